using System.Collections.Concurrent;
using System.Threading.Channels;

namespace EmailSync.Core.Association;

/// <summary>Re-associate an organization's stored mail within a scope (a changed domain, contact, exclusion ...).</summary>
public sealed record ReassociationRequest(Guid OrganizationId, ReassociationScope Scope, string Reason);

public enum ReassociationState
{
    Queued = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
}

/// <summary>Where an organization's re-association stands, for the admin UI's progress bar.</summary>
public sealed record ReassociationProgress(
    Guid OrganizationId,
    ReassociationState State,
    string Reason,
    int Processed,
    int Total,
    int LinksAdded,
    int LinksRemoved,
    int LinksUpdated,
    int BodiesRequested,
    int BodiesPending,
    string? Error,
    string? TraceId,
    DateTimeOffset UpdatedAt)
{
    /// <summary>0..1 for a progress bar: 0 while queued, 1 when done or when there was nothing to do.</summary>
    public double Fraction => State switch
    {
        ReassociationState.Queued => 0,
        ReassociationState.Completed => 1,
        _ => Total == 0 ? 1 : Math.Clamp((double)Processed / Total, 0, 1),
    };

    public bool IsFinished => State is ReassociationState.Completed or ReassociationState.Failed;
}

/// <summary>Queues re-association work; requests for one organization coalesce while it waits.</summary>
public interface IReassociationQueue
{
    ValueTask EnqueueAsync(ReassociationRequest request, CancellationToken ct = default);
}

/// <summary>
/// A bounded channel of organization ids plus the pending request per organization: a burst of edits
/// (a CSV import, ten domains added in a row) becomes one run whose scope is the union of theirs.
/// </summary>
public sealed class ReassociationQueue(ReassociationNotifier notifier, TimeProvider clock) : IReassociationQueue
{
    private readonly Channel<Guid> channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly ConcurrentDictionary<Guid, ReassociationRequest> pending = new();
    private readonly Lock gate = new();

    public async ValueTask EnqueueAsync(ReassociationRequest request, CancellationToken ct = default)
    {
        if (request.Scope.IsEmpty)
        {
            return;
        }

        // Published first, so a run that finishes meanwhile cannot be followed by a stale "queued".
        await notifier.PublishAsync(new ReassociationProgress(request.OrganizationId, ReassociationState.Queued, request.Reason,
            0, 0, 0, 0, 0, 0, 0, null, null, clock.GetUtcNow()));
        bool isNew;
        lock (gate)
        {
            isNew = !pending.TryGetValue(request.OrganizationId, out var existing);
            pending[request.OrganizationId] = isNew
                ? request
                : existing! with { Scope = existing.Scope.Union(request.Scope), Reason = existing.Reason + "; " + request.Reason };
        }

        if (isNew)
        {
            await channel.Writer.WriteAsync(request.OrganizationId, ct);
        }
    }

    /// <summary>True while a request for the organization waits to be picked up.</summary>
    public bool HasPending(Guid organizationId) => pending.ContainsKey(organizationId);

    /// <summary>Waits for the next organization with pending work and takes its (merged) request.</summary>
    internal async ValueTask<ReassociationRequest> DequeueAsync(CancellationToken ct)
    {
        while (true)
        {
            var organizationId = await channel.Reader.ReadAsync(ct);
            lock (gate)
            {
                if (pending.TryRemove(organizationId, out var request))
                {
                    return request;
                }
            }
        }
    }
}

/// <summary>
/// Background → UI: the latest re-association progress per organization, and subscriptions that return
/// <see cref="IDisposable"/> (components subscribe after first render, marshal with InvokeAsync, dispose).
/// </summary>
public sealed class ReassociationNotifier(ILogger<ReassociationNotifier> logger)
{
    private readonly ConcurrentDictionary<Guid, ReassociationProgress> latest = new();
    private readonly ConcurrentDictionary<Guid, ImmutableSubscribers> subscribers = new();

    private sealed record ImmutableSubscribers(IReadOnlyList<Subscription> Items);

    /// <summary>The last progress reported for the organization, or null if none ran since start.</summary>
    public ReassociationProgress? GetLatest(Guid organizationId) => latest.GetValueOrDefault(organizationId);

    public IDisposable Subscribe(Guid organizationId, Func<ReassociationProgress, Task> callback)
    {
        var subscription = new Subscription(this, organizationId, callback);
        subscribers.AddOrUpdate(organizationId, _ => new([subscription]), (_, s) => new([.. s.Items, subscription]));
        return subscription;
    }

    internal async Task PublishAsync(ReassociationProgress progress)
    {
        latest[progress.OrganizationId] = progress;
        if (!subscribers.TryGetValue(progress.OrganizationId, out var current))
        {
            return;
        }

        foreach (var subscription in current.Items)
        {
            try
            {
                await subscription.Callback(progress);
            }
            catch (Exception ex)
            {
                // A broken circuit must not stop the worker or the other subscribers.
                logger.LogWarning(ex, "A re-association progress subscriber failed");
            }
        }
    }

    private void Unsubscribe(Subscription subscription) =>
        subscribers.AddOrUpdate(subscription.OrganizationId, _ => new([]), (_, s) => new(s.Items.Where(i => i != subscription).ToList()));

    private sealed class Subscription(ReassociationNotifier owner, Guid organizationId, Func<ReassociationProgress, Task> callback) : IDisposable
    {
        private int disposed;

        public Guid OrganizationId => organizationId;

        public Func<ReassociationProgress, Task> Callback => callback;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(this);
            }
        }
    }
}

/// <summary>
/// THE SEAM for the sync side: fetch and store the bodies (and attachments) of stored messages that were
/// kept metadata-only (<c>EmailMessage.BodyStored == false</c>) and are now linked to a customer after a
/// re-association. The Gmail sync implements it (one batched <c>messages.get</c> per message through the
/// quota governor); association never talks to Gmail itself. Until an implementation is registered, the
/// worker reports such messages as <see cref="ReassociationProgress.BodiesPending"/> and logs a warning;
/// they stay findable as linked messages with <c>BodyStored == false</c>.
/// </summary>
public interface IMessageBodyFetcher
{
    /// <summary>Fetches and stores the bodies; returns how many were stored.</summary>
    Task<int> FetchBodiesAsync(Guid organizationId, IReadOnlyCollection<long> messageIds, CancellationToken ct);
}
