using EmailSync.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EmailSync.Core.Sync;

/// <summary>
/// The lease row on each mailbox: only its holder syncs it, so two app instances on one database never
/// sync one mailbox at once. Taking and renewing are single conditional UPDATEs, atomic on every provider.
/// </summary>
public sealed class MailboxLeases(ISystemDbContextFactory factory, IOptions<SyncOptions> options, TimeProvider clock)
{
    /// <summary>This process's identity as a lease holder.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<bool> TryAcquireAsync(long connectionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.LeaseDuration;
        await using var db = factory.CreateSystem();
        var taken = await db.MailboxConnections
            .Where(c => c.Id == connectionId && (c.LeaseOwner == null || c.LeaseOwner == Owner || c.LeaseExpiresAt == null || c.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, Owner).SetProperty(c => c.LeaseExpiresAt, until), ct);
        return taken == 1;
    }

    /// <summary>Extends the lease; false when another instance took it (then stop working on the mailbox).</summary>
    public async Task<bool> RenewAsync(long connectionId, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + options.Value.LeaseDuration;
        await using var db = factory.CreateSystem();
        return await db.MailboxConnections
            .Where(c => c.Id == connectionId && c.LeaseOwner == Owner)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseExpiresAt, until), ct) == 1;
    }

    public async Task ReleaseAsync(long connectionId)
    {
        await using var db = factory.CreateSystem();
        await db.MailboxConnections
            .Where(c => c.Id == connectionId && c.LeaseOwner == Owner)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseExpiresAt, (DateTimeOffset?)null));
    }
}

/// <summary>Thrown when the lease was lost mid-run: another instance owns the mailbox now.</summary>
public sealed class LeaseLostException(long connectionId) : Exception($"Lost the lease on mailbox {connectionId}.");
