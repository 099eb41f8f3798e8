namespace EmailSync.Core.Domain;

/// <summary>
/// How far one mailbox's backfill into one organization has come. The cursor (query chunk and page
/// token) is saved after every page, so a crash resumes where it stopped.
/// </summary>
public sealed class MailboxSyncState : ITenantOwned, IAuditable
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public long MailboxConnectionId { get; set; }

    /// <summary>Hash of the organization's scope queries; when the scope changes, the backfill starts over (deduplicated).</summary>
    public string ScopeFingerprint { get; set; } = "";
    public DateTimeOffset WindowStart { get; set; }
    public int QueryIndex { get; set; }
    public string? PageToken { get; set; }
    public DateTimeOffset? BackfillCompletedAt { get; set; }

    public int Listed { get; set; }
    public int Fetched { get; set; }
    public int Imported { get; set; }
    public int Failed { get; set; }
    public int TotalEstimate { get; set; }

    public DateTimeOffset? LastReconciledAt { get; set; }
    public int? LastReconcileMissing { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
