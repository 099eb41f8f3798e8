using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Mime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Diagnostics;

namespace EmailSync.Core.Sync;

public enum SyncRunOutcome
{
    /// <summary>Up to date; the next run is a poll.</summary>
    Done,

    /// <summary>The slice ended with backfill left; the mailbox goes back in the queue.</summary>
    MoreWork,

    /// <summary>Google refused the stored access; the user must reconnect.</summary>
    Unauthorized,

    Failed,
}

/// <summary>
/// One turn of sync for one mailbox (the caller holds its lease): backfill of each organization's
/// window page by page, then incremental sync from Gmail history, reconciliation when due, and the
/// mailbox's status, progress and last error.
/// </summary>
public sealed partial class MailboxSyncRunner(
    ISystemDbContextFactory factory,
    GmailClientFactory clients,
    IEmailParser parser,
    EmailStore store,
    MailboxLeases leases,
    SyncNotifier notifier,
    IOptions<SyncOptions> options,
    TimeProvider clock,
    ILogger<MailboxSyncRunner> logger)
{
    private static readonly ActivitySource Source = new("EmailSync.Sync");

    /// <summary>Sync telemetry: time spent parsing and storing (parse → associate → store), per message.</summary>
    public static readonly System.Diagnostics.Metrics.Meter Meter = new("EmailSync.Sync");

    private static readonly System.Diagnostics.Metrics.Histogram<double> ParseSeconds = Meter.CreateHistogram<double>("emailsync.sync.parse.duration", "s");
    private static readonly System.Diagnostics.Metrics.Histogram<double> StoreSeconds = Meter.CreateHistogram<double>("emailsync.sync.store.duration", "s");
    private static readonly System.Diagnostics.Metrics.Counter<long> Imported = Meter.CreateCounter<long>("emailsync.sync.imported");

    public async Task<SyncRunOutcome> RunAsync(long connectionId, CancellationToken ct)
    {
        using var activity = Source.StartActivity("mailbox-sync");
        var traceId = Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        MailboxConnection? connection;
        await using (var db = factory.CreateSystem())
        {
            connection = await db.MailboxConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == connectionId, ct);
        }

        if (connection?.EncryptedRefreshToken is null || connection.Status == MailboxStatus.Unauthorized)
        {
            return SyncRunOutcome.Done;
        }

        var deadline = clock.GetTimestamp() + (long)(options.Value.Slice.TotalSeconds * clock.TimestampFrequency);
        // The mailbox is current as of the moment the turn began: the next poll is timed from here, so
        // new mail waits at most one poll interval (plus a tick), however long this turn takes.
        var startedAt = clock.GetUtcNow();
        var newMessages = 0;
        var organizations = new List<Guid>();
        try
        {
            using var gmail = clients.Create(connection);
            var targets = await LoadTargetsAsync(connection, ct);
            organizations.AddRange(targets.Select(t => t.Scope.OrganizationId));
            if (connection.HistoryId is null)
            {
                // Remember where history starts before backfilling, so nothing between is missed.
                var profile = await gmail.GetProfileAsync(ct);
                await UpdateConnectionAsync(connectionId, c => c.HistoryId = profile.HistoryId, ct);
                connection.HistoryId = profile.HistoryId;
            }

            await RenewWatchIfDueAsync(gmail, connection, ct);
            var backfillLeft = false;
            foreach (var target in targets)
            {
                var (imported, finished) = await BackfillAsync(gmail, connection, target, deadline, ct);
                newMessages += imported;
                backfillLeft |= !finished;
                if (!finished)
                {
                    break;
                }
            }

            if (!backfillLeft)
            {
                newMessages += await IncrementalAsync(gmail, connection, targets, ct);
                foreach (var target in targets)
                {
                    newMessages += await ReconcileIfDueAsync(gmail, connection, target, ct);
                }
            }

            await UpdateConnectionAsync(connectionId, c =>
            {
                c.Status = backfillLeft ? MailboxStatus.Syncing : MailboxStatus.Active;
                c.LastSyncAt = startedAt;
                c.ConsecutiveFailures = 0;
                c.NextAttemptAt = null;
                c.SyncRequestedAt = backfillLeft ? c.SyncRequestedAt : null;
            }, ct);
            return backfillLeft ? SyncRunOutcome.MoreWork : SyncRunOutcome.Done;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(connectionId);
            return SyncRunOutcome.Done;
        }
        catch (Exception ex) when (GmailErrors.IsUnauthorized(ex))
        {
            LogUnauthorized(ex, connectionId, connection.GoogleAccount, traceId);
            await UpdateConnectionAsync(connectionId, c =>
            {
                c.Status = MailboxStatus.Unauthorized;
                c.LastError = Truncate(GmailErrors.Describe(ex) + " — reconnect Gmail to resume.", 2000);
                c.LastErrorTraceId = traceId;
                c.LastErrorAt = clock.GetUtcNow();
            }, CancellationToken.None);
            return SyncRunOutcome.Unauthorized;
        }
        catch (Exception ex)
        {
            LogFailed(ex, connectionId, connection.GoogleAccount, traceId);
            await UpdateConnectionAsync(connectionId, c =>
            {
                c.LastError = Truncate(GmailErrors.Describe(ex), 2000);
                c.LastErrorTraceId = traceId;
                c.LastErrorAt = clock.GetUtcNow();
                c.ConsecutiveFailures++;
                c.NextAttemptAt = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(900, 5 * Math.Pow(2, Math.Min(c.ConsecutiveFailures, 8))));
            }, CancellationToken.None);
            return SyncRunOutcome.Failed;
        }
        finally
        {
            await notifier.PublishAsync(new SyncEvent(connectionId, connection.UserId, organizations, newMessages));
        }
    }

    /// <summary>With push configured, keeps the Gmail watch alive: renewed daily (Google asks for at least weekly).</summary>
    private async Task RenewWatchIfDueAsync(GmailMailboxClient gmail, MailboxConnection connection, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.Value.PushTopic)
            || (connection.WatchRenewedAt is { } renewed && clock.GetUtcNow() - renewed < TimeSpan.FromDays(1) && connection.WatchExpiresAt > clock.GetUtcNow()))
        {
            return;
        }

        var watch = await gmail.WatchAsync(options.Value.PushTopic, ct);
        var expires = watch.Expiration is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : clock.GetUtcNow().AddDays(7);
        await UpdateConnectionAsync(connection.Id, c =>
        {
            c.WatchRenewedAt = clock.GetUtcNow();
            c.WatchExpiresAt = expires;
        }, ct);
    }

    /// <summary>An organization this mailbox imports into, with its scope and its own addresses.</summary>
    internal sealed record Target(ImportScope Scope, InternalAddresses Internals);

    private async Task<List<Target>> LoadTargetsAsync(MailboxConnection connection, CancellationToken ct)
    {
        await using var db = factory.CreateSystem();
        var organizations = await db.Memberships
            .Where(m => m.UserId == connection.UserId && m.Organization!.GmailImportEnabled)
            .Select(m => m.Organization!)
            .ToListAsync(ct);
        var targets = new List<Target>();
        foreach (var org in organizations)
        {
            var aliases = await db.Aliases.Where(a => a.OrganizationId == org.Id).Select(a => new { a.Address, a.IsVerified, a.SyncEnabled }).ToListAsync(ct);
            var memberEmails = await db.Memberships.Where(m => m.OrganizationId == org.Id).Select(m => m.User!.Email!).ToListAsync(ct);
            var window = clock.GetUtcNow().AddDays(-Math.Clamp(org.BackfillDays, Organization.MinBackfillDays, Organization.MaxBackfillDays));
            ImportScope scope;
            if (org.SyncScope == SyncScope.Aliases)
            {
                var active = aliases.Where(a => a.IsVerified && a.SyncEnabled).Select(a => a.Address);
                scope = new ImportScope(org.Id, org.SyncScope, active, [], window, options.Value.TermsPerQuery);
            }
            else
            {
                var domains = await db.CustomerDomains.Where(d => d.OrganizationId == org.Id).Select(d => d.Domain).ToListAsync(ct);
                var contacts = await db.Contacts.Where(c => c.OrganizationId == org.Id).Select(c => c.Email).ToListAsync(ct);
                scope = new ImportScope(org.Id, org.SyncScope, contacts, domains, window, options.Value.TermsPerQuery);
            }

            var internals = new InternalAddresses(org.InternalDomains, aliases.Select(a => a.Address).Concat(memberEmails).Append(connection.GoogleAccount));
            targets.Add(new Target(scope, internals));
        }

        return targets;
    }

    private async Task<(int Imported, bool Finished)> BackfillAsync(GmailMailboxClient gmail, MailboxConnection connection, Target target, long deadline, CancellationToken ct)
    {
        var scope = target.Scope;
        var state = await LoadStateAsync(connection.Id, scope, ct);
        if (state.BackfillCompletedAt is not null)
        {
            return (0, true);
        }

        // Pipelined: while one page is stored, the next is listed, fetched and parsed.
        var imported = 0;
        var ahead = state.QueryIndex < scope.Queries.Count ? ListAndFetchAsync(gmail, connection, scope.Queries[state.QueryIndex], state.PageToken, ct) : null;
        while (ahead is not null)
        {
            var (page, batch) = await ahead;
            var refs = page.Messages ?? [];
            var (nextQuery, nextToken) = page.NextPageToken is { } token ? (state.QueryIndex, token) : (state.QueryIndex + 1, (string?)null);
            var more = nextQuery < scope.Queries.Count;
            ahead = more && clock.GetTimestamp() < deadline ? ListAndFetchAsync(gmail, connection, scope.Queries[nextQuery], nextToken, ct) : null;
            try
            {
                if (state.PageToken is null && state.QueryIndex == 0 || state.TotalEstimate == 0)
                {
                    state.TotalEstimate = Math.Max(state.TotalEstimate, page.ResultSizeEstimate ?? refs.Count);
                }

                var stored = await StoreAsync(connection, [target], batch, filterByScope: false, ct);
                imported += stored;
                state.Listed += refs.Count;
                state.Fetched += batch.Fetched;
                state.Imported += stored;
                state.Failed += batch.Failed;
                state.QueryIndex = nextQuery;
                state.PageToken = nextToken;
                if (!more)
                {
                    state.BackfillCompletedAt = clock.GetUtcNow();
                    state.LastReconciledAt = clock.GetUtcNow();
                }

                // The cursor is saved after every page: a crash resumes here.
                await SaveStateAsync(state, ct);
                await UpdateConnectionAsync(connection.Id, c =>
                {
                    c.Status = state.BackfillCompletedAt is null ? MailboxStatus.Syncing : c.Status;
                    c.ListedCount = state.Listed;
                    c.FetchedCount = state.Fetched;
                    c.TotalEstimate = Math.Max(state.TotalEstimate, state.Listed);
                }, ct);
                if (!await leases.RenewAsync(connection.Id, ct))
                {
                    throw new LeaseLostException(connection.Id);
                }

                await notifier.PublishAsync(new SyncEvent(connection.Id, connection.UserId, [scope.OrganizationId], stored));
            }
            catch
            {
                // Whatever the page ahead does now, nobody will wait for it.
                _ = ahead?.ContinueWith(t => t.Exception, TaskScheduler.Default);
                throw;
            }

            if (more && ahead is null)
            {
                return (imported, false);
            }
        }

        if (state.BackfillCompletedAt is null)
        {
            state.BackfillCompletedAt = clock.GetUtcNow();
            state.LastReconciledAt = clock.GetUtcNow();
            await SaveStateAsync(state, ct);
        }

        return (imported, true);
    }

    private async Task<int> IncrementalAsync(GmailMailboxClient gmail, MailboxConnection connection, List<Target> targets, CancellationToken ct)
    {
        if (connection.HistoryId is not { } start)
        {
            return 0;
        }

        var added = new List<string>();
        ulong latest = start;
        string? pageToken = null;
        try
        {
            do
            {
                var page = await gmail.ListHistoryAsync(start, pageToken, ct);
                foreach (var record in page.History ?? [])
                {
                    added.AddRange((record.MessagesAdded ?? []).Where(m => m.Message is not null).Select(m => m.Message!.Id));
                }

                latest = Math.Max(latest, page.HistoryId ?? latest);
                pageToken = page.NextPageToken;
            }
            while (pageToken is not null);
        }
        catch (Exception ex) when (GmailErrors.IsNotFound(ex))
        {
            // History too old: back to a fresh backfill of the window (deduplicated), never an error state.
            LogHistoryExpired(connection.Id);
            var profile = await gmail.GetProfileAsync(ct);
            await using var db = factory.CreateSystem();
            await db.MailboxSyncStates.Where(s => s.MailboxConnectionId == connection.Id).ExecuteDeleteAsync(ct);
            await UpdateConnectionAsync(connection.Id, c =>
            {
                c.HistoryId = profile.HistoryId;
                c.Status = MailboxStatus.Syncing;
            }, ct);
            connection.HistoryId = profile.HistoryId;
            return 0;
        }

        var imported = 0;
        if (added.Count > 0)
        {
            imported = (await ImportAsync(gmail, connection, targets, added.Distinct().ToList(), filterByScope: true, ct)).Imported;
        }

        if (latest != start)
        {
            await UpdateConnectionAsync(connection.Id, c => c.HistoryId = latest, ct);
            connection.HistoryId = latest;
        }

        return imported;
    }

    /// <summary>Lists every in-scope id Gmail has for the window, imports what is missing, and records it.</summary>
    private async Task<int> ReconcileIfDueAsync(GmailMailboxClient gmail, MailboxConnection connection, Target target, CancellationToken ct)
    {
        var state = await LoadStateAsync(connection.Id, target.Scope, ct);
        if (state.LastReconciledAt is { } last && clock.GetUtcNow() - last < options.Value.ReconcileInterval)
        {
            return 0;
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in target.Scope.Queries)
        {
            string? pageToken = null;
            do
            {
                var page = await gmail.ListMessagesAsync(query, pageToken, 500, ct);
                listed.UnionWith((page.Messages ?? []).Select(m => m.Id));
                pageToken = page.NextPageToken;
            }
            while (pageToken is not null);
        }

        HashSet<string> stored;
        await using (var db = factory.CreateForOrganization(target.Scope.OrganizationId))
        {
            stored = await db.EmailSources.Where(s => s.MailboxConnectionId == connection.Id).Select(s => s.GmailMessageId).ToHashSetAsync(ct);
        }

        var missing = listed.Where(id => !stored.Contains(id)).ToList();
        var result = missing.Count > 0 ? await ImportAsync(gmail, connection, [target], missing, filterByScope: false, ct) : new ImportResult(0, 0, 0);
        state.LastReconciledAt = clock.GetUtcNow();
        state.LastReconcileMissing = missing.Count;
        await SaveStateAsync(state, ct);
        if (missing.Count > 0)
        {
            LogReconciled(connection.Id, target.Scope.OrganizationId, listed.Count, missing.Count, result.Imported);
            await using var db = factory.CreateForOrganization(target.Scope.OrganizationId);
            db.AuditEvents.Add(new AuditEvent
            {
                OrganizationId = target.Scope.OrganizationId,
                UserId = connection.UserId,
                Action = "sync.reconciled",
                Target = connection.GoogleAccount,
                Details = $"Gmail listed {listed.Count} in-scope messages; {missing.Count} were missing and {result.Imported} were imported.",
                TraceId = Activity.Current?.TraceId.ToString(),
                At = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(ct);
        }

        return result.Imported;
    }

    private sealed record ImportResult(int Fetched, int Imported, int Failed);

    /// <summary>Messages fetched and parsed, not yet stored.</summary>
    private sealed record FetchBatch(IReadOnlyList<FetchedEmail> Emails, int Fetched, int Failed);

    private async Task<(GmailMessageList Page, FetchBatch Batch)> ListAndFetchAsync(GmailMailboxClient gmail, MailboxConnection connection, string query, string? pageToken, CancellationToken ct)
    {
        var page = await gmail.ListMessagesAsync(query, pageToken, options.Value.ListPageSize, ct);
        return (page, await FetchAsync(gmail, connection, (page.Messages ?? []).Select(m => m.Id).ToList(), ct));
    }

    /// <summary>Fetches each id once (raw, batched), parses it, and stores it into every target that wants it.</summary>
    private async Task<ImportResult> ImportAsync(GmailMailboxClient gmail, MailboxConnection connection, IReadOnlyList<Target> targets, List<string> ids, bool filterByScope, CancellationToken ct)
    {
        var batch = await FetchAsync(gmail, connection, ids, ct);
        return new ImportResult(batch.Fetched, await StoreAsync(connection, targets, batch, filterByScope, ct), batch.Failed);
    }

    private async Task<FetchBatch> FetchAsync(GmailMailboxClient gmail, MailboxConnection connection, List<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return new FetchBatch([], 0, 0);
        }

        // Skip what this mailbox already gave us (a resumed page, a re-listed window).
        HashSet<string> known;
        await using (var db = factory.CreateSystem())
        {
            known = await db.EmailSources.Where(s => s.MailboxConnectionId == connection.Id && ids.Contains(s.GmailMessageId)).Select(s => s.GmailMessageId).ToHashSetAsync(ct);
        }

        var wanted = ids.Where(id => !known.Contains(id)).ToList();
        var raws = wanted.Count > 0 ? await gmail.GetRawAsync(wanted, ct) : [];
        if (raws.FirstOrDefault(r => r.Error == GmailMailboxClient.StillFailing) is { } stuck)
        {
            // Do not move the cursor past mail we could not fetch: this page is tried again next turn.
            throw new HttpRequestException($"Gmail kept failing to return message {stuck.Id}; the page will be retried.");
        }

        foreach (var raw in raws.Where(r => r.Raw is null))
        {
            LogFetchFailed(connection.Id, raw.Id, raw.Error);
        }

        // Parsing is CPU work: use every core (the single database writer is the real bound).
        var parseClock = Stopwatch.StartNew();
        var parsed = raws.Where(r => r.Raw is not null).AsParallel().AsOrdered()
            .Select(raw => new FetchedEmail(raw, parser.Parse(raw.Raw!)))
            .ToList();
        ParseSeconds.Record(parseClock.Elapsed.TotalSeconds);
        return new FetchBatch(parsed, raws.Count, raws.Count(r => r.Raw is null));
    }

    private async Task<int> StoreAsync(MailboxConnection connection, IReadOnlyList<Target> targets, FetchBatch batch, bool filterByScope, CancellationToken ct)
    {
        var storeClock = Stopwatch.StartNew();
        var imported = 0;
        foreach (var target in targets)
        {
            var emails = filterByScope ? batch.Emails.Where(e => target.Scope.Includes(e.Parsed, e.SentAt)).ToList() : batch.Emails.ToList();
            imported += await StoreWithRetryAsync(target, connection, emails, ct);
        }

        StoreSeconds.Record(storeClock.Elapsed.TotalSeconds);
        Imported.Add(imported);
        return imported;
    }

    private async Task<int> StoreWithRetryAsync(Target target, MailboxConnection connection, List<FetchedEmail> batch, CancellationToken ct)
    {
        try
        {
            return (await store.StoreAsync(target.Scope.OrganizationId, connection, target.Internals, batch, ct)).Imported;
        }
        catch (DbUpdateException)
        {
            // Another mailbox of the organization stored the same message at the same moment: the second
            // pass sees its row and records only this mailbox's source.
            return (await store.StoreAsync(target.Scope.OrganizationId, connection, target.Internals, batch, ct)).Imported;
        }
    }

    private async Task<MailboxSyncState> LoadStateAsync(long connectionId, ImportScope scope, CancellationToken ct)
    {
        await using var db = factory.CreateForOrganization(scope.OrganizationId);
        var state = await db.MailboxSyncStates.AsNoTracking().FirstOrDefaultAsync(s => s.MailboxConnectionId == connectionId, ct);
        if (state is not null && state.ScopeFingerprint == scope.Fingerprint)
        {
            return state;
        }

        // New mailbox, or the scope changed: backfill the window again (unique keys make it idempotent).
        state ??= new MailboxSyncState { OrganizationId = scope.OrganizationId, MailboxConnectionId = connectionId };
        state.ScopeFingerprint = scope.Fingerprint;
        state.WindowStart = scope.WindowStart;
        state.QueryIndex = 0;
        state.PageToken = null;
        state.BackfillCompletedAt = null;
        state.Listed = state.Fetched = state.Imported = state.Failed = state.TotalEstimate = 0;
        await SaveStateAsync(state, ct);
        return state;
    }

    private async Task SaveStateAsync(MailboxSyncState state, CancellationToken ct)
    {
        await using var db = factory.CreateForOrganization(state.OrganizationId);
        if (state.Id == 0)
        {
            db.MailboxSyncStates.Add(state);
        }
        else
        {
            db.MailboxSyncStates.Update(state);
        }

        await db.SaveChangesAsync(ct);
    }

    private async Task UpdateConnectionAsync(long connectionId, Action<MailboxConnection> change, CancellationToken ct)
    {
        await using var db = factory.CreateSystem();
        var connection = await db.MailboxConnections.FirstOrDefaultAsync(c => c.Id == connectionId, ct);
        if (connection is null)
        {
            return;
        }

        change(connection);
        await db.SaveChangesAsync(ct);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox {ConnectionId} ({Account}) lost Google access; trace {TraceId}")]
    private partial void LogUnauthorized(Exception ex, long connectionId, string account, string traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync of mailbox {ConnectionId} ({Account}) failed; trace {TraceId}")]
    private partial void LogFailed(Exception ex, long connectionId, string account, string traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailbox {ConnectionId}: history expired, backfilling the window again")]
    private partial void LogHistoryExpired(long connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailbox {ConnectionId}: lease taken by another instance")]
    private partial void LogLeaseLost(long connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox {ConnectionId}: could not fetch message {GmailId}: {Error}")]
    private partial void LogFetchFailed(long connectionId, string gmailId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation of mailbox {ConnectionId} into {OrganizationId}: Gmail listed {Listed}, {Missing} missing, {Imported} imported")]
    private partial void LogReconciled(long connectionId, Guid organizationId, int listed, int missing, int imported);
}
