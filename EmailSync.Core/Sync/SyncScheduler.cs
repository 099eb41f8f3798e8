using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EmailSync.Core.Sync;

/// <summary>
/// Picks due mailboxes (requested first, then least recently synced), takes each one's lease, and runs
/// a time-sliced turn of <see cref="MailboxSyncRunner"/>, several mailboxes in parallel. Backfills yield
/// after each slice, so a new mailbox's recent mail shows within seconds even behind big backfills.
/// Shutdown cancels running turns; their cursors are saved per page, so the next start resumes.
/// </summary>
public sealed partial class SyncScheduler(
    IServiceScopeFactory scopes,
    ISystemDbContextFactory factory,
    MailboxLeases leases,
    SyncTrigger trigger,
    IHostApplicationLifetime lifetime,
    IOptions<SyncOptions> options,
    TimeProvider clock,
    ILogger<SyncScheduler> logger) : BackgroundService
{
    private readonly Dictionary<long, Task> running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // Wait until the host serves requests: the embedded Google lives at the server's own address.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(ex);
            }

            try
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                tick.CancelAfter(options.Value.Tick);
                await trigger.Reader.WaitToReadAsync(tick.Token);
                while (trigger.Reader.TryRead(out var requested))
                {
                    await MarkRequestedAsync(requested, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The tick elapsed.
            }
        }

        await Task.WhenAll(running.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private async Task StartDueAsync(CancellationToken ct)
    {
        foreach (var done in running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
        {
            running.Remove(done);
        }

        var free = options.Value.MaxParallelMailboxes - running.Count;
        if (free <= 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var pollBefore = now - options.Value.PollInterval;
        List<long> due;
        await using (var db = factory.CreateSystem())
        {
            var candidates = await db.MailboxConnections
                .Where(c => c.EncryptedRefreshToken != null && c.Status != MailboxStatus.Unauthorized && c.Status != MailboxStatus.NotConnected)
                .Where(c => c.NextAttemptAt == null || c.NextAttemptAt <= now)
                .Where(c => c.SyncRequestedAt != null || c.Status == MailboxStatus.Syncing || c.LastSyncAt == null || c.LastSyncAt <= pollBefore)
                .Where(c => c.LeaseOwner == null || c.LeaseExpiresAt < now)
                .Select(c => new { c.Id, c.SyncRequestedAt, c.LastSyncAt })
                .ToListAsync(ct);
            due = candidates
                .Where(c => !running.ContainsKey(c.Id))
                .OrderBy(c => c.SyncRequestedAt is null)
                .ThenBy(c => c.LastSyncAt ?? DateTimeOffset.MinValue)
                .Select(c => c.Id)
                .Take(free)
                .ToList();
        }

        foreach (var id in due)
        {
            if (await leases.TryAcquireAsync(id, ct))
            {
                running[id] = Task.Run(() => RunOneAsync(id, ct), CancellationToken.None);
            }
        }
    }

    private async Task RunOneAsync(long connectionId, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            // A backfill with work left stays due (status Syncing) and queues behind mailboxes that waited longer.
            await scope.ServiceProvider.GetRequiredService<MailboxSyncRunner>().RunAsync(connectionId, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down; the cursor of the last finished page is saved.
        }
        catch (Exception ex)
        {
            LogRunCrashed(ex, connectionId);
        }
        finally
        {
            await leases.ReleaseAsync(connectionId);
        }
    }

    private async Task MarkRequestedAsync(long connectionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = factory.CreateSystem();
        await db.MailboxConnections
            .Where(c => c.Id == connectionId && c.SyncRequestedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.SyncRequestedAt, now), ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync scheduler tick failed")]
    private partial void LogTickFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync turn of mailbox {ConnectionId} crashed")]
    private partial void LogRunCrashed(Exception ex, long connectionId);
}
