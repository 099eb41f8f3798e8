namespace EmailSync.Core.Sync;

/// <summary>
/// The seam between sync and association: after new messages are stored, link them to customers
/// (the association engine implements it). Organization is explicit: sync runs outside any request.
/// </summary>
public interface IEmailLinker
{
    Task LinkAsync(Guid organizationId, IReadOnlyCollection<long> messageIds, CancellationToken ct);
}
