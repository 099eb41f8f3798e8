using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Sync;
using EmailSync.GmailEmulator.Control;
using EmailSync.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Tests.Sync;

/// <summary>The real app with its embedded Gmail emulator, plus helpers to connect mailboxes and wait for sync.</summary>
public class SyncAppFactory : WebAppFactory
{
    public const string Alias1 = "collections@northwind.example";
    public const string Alias2 = "success@northwind.example";

    public GmailEmulatorControlClient Emulator => new(new HttpClient { BaseAddress = new Uri(BaseAddress, "/google/") });

    /// <summary>
    /// Connects a demo user's Gmail as the consent flow would end: a refresh token from the emulator,
    /// stored encrypted, status SYNCING.
    /// </summary>
    public async Task<long> ConnectAsync(string email, bool trigger = true, string? refreshToken = null, string[]? scopes = null)
    {
        scopes ??= [GmailScopes.Readonly];
        var issued = refreshToken is null
            ? await Emulator.IssueAccessTokenAsync(email, scopes, GoogleEndpoints.EmulatorClientId, includeRefreshToken: true)
            : new EmailSync.GmailEmulator.Control.IssuedToken("", refreshToken, 0, string.Join(' ', scopes), GoogleEndpoints.EmulatorClientId);
        var protector = Services.GetRequiredService<RefreshTokenProtector>();
        await using var db = CreateSystemContext();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        var connection = new MailboxConnection
        {
            UserId = user.Id,
            GoogleAccount = email,
            GrantedScopes = issued.Scope,
            EncryptedRefreshToken = protector.Protect(issued.RefreshToken!),
            Status = MailboxStatus.Syncing,
        };
        db.MailboxConnections.Add(connection);
        await db.SaveChangesAsync();
        if (trigger)
        {
            Services.GetRequiredService<SyncTrigger>().Request(connection.Id);
        }

        return connection.Id;
    }

    public async Task<MailboxConnection> WaitForStatusAsync(long connectionId, MailboxStatus status, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        MailboxConnection? connection = null;
        while (DateTime.UtcNow < until)
        {
            await using var db = CreateSystemContext();
            connection = await db.MailboxConnections.AsNoTracking().SingleAsync(c => c.Id == connectionId);
            if (connection.Status == status && (status != MailboxStatus.Active || connection.SyncRequestedAt is null))
            {
                return connection;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Mailbox {connectionId} did not reach {status}; it is {connection?.Status} (last error: {connection?.LastError}).");
    }

    /// <summary>The Gmail ids stored for a mailbox, and how many rows there are (duplicates would differ).</summary>
    public async Task<(HashSet<string> Ids, int Rows)> StoredAsync(long connectionId)
    {
        await using var db = CreateSystemContext();
        var ids = await db.EmailSources.Where(s => s.MailboxConnectionId == connectionId).Select(s => s.GmailMessageId).ToListAsync();
        return (ids.ToHashSet(), ids.Count);
    }

    /// <summary>What the Aliases scope must import from a mailbox: from/to/cc/bcc an alias, in the window, not spam or trash.</summary>
    public async Task<HashSet<string>> ExpectedInScopeAsync(string mailbox, long connectionId)
    {
        long window;
        await using (var db = CreateSystemContext())
        {
            window = (await db.MailboxSyncStates.SingleAsync(s => s.MailboxConnectionId == connectionId)).WindowStart.ToUnixTimeMilliseconds();
        }

        var aliases = new HashSet<string>(EmailSync.Web.Hosting.DemoOptions.Aliases, StringComparer.OrdinalIgnoreCase);
        var messages = await Emulator.GetMessagesAsync(mailbox);
        return messages
            .Where(m => m.InternalDate >= window && !m.LabelIds.Contains("SPAM") && !m.LabelIds.Contains("TRASH"))
            .Where(m => new[] { m.From }.Concat(m.To).Concat(m.Cc).Concat(m.Bcc).Any(a => aliases.Contains(Address(a))))
            .Select(m => m.Id)
            .ToHashSet();
    }

    /// <summary>Runs one sync turn directly (for tests that drive the runner, with the scheduler off).</summary>
    public async Task<SyncRunOutcome> RunOnceAsync(long connectionId, CancellationToken ct = default)
    {
        var leases = Services.GetRequiredService<MailboxLeases>();
        Assert.True(await leases.TryAcquireAsync(connectionId, ct));
        try
        {
            await using var scope = Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<MailboxSyncRunner>().RunAsync(connectionId, ct);
        }
        finally
        {
            await leases.ReleaseAsync(connectionId);
        }
    }

    private static string Address(string value)
    {
        var lt = value.LastIndexOf('<');
        return (lt >= 0 ? value[(lt + 1)..].TrimEnd('>', ' ') : value).Trim().ToLowerInvariant();
    }
}

/// <summary>The scheduler is off: tests drive <see cref="MailboxSyncRunner"/> turn by turn.</summary>
public sealed class ManualSyncAppFactory : SyncAppFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Sync:Enabled"] = "false",
        ["Sync:ListPageSize"] = "25",
        ["Google:Retry:RequestTimeout"] = "00:00:05",
        ["GmailEmulator:MessagesPerMailbox"] = "150",
    };
}
