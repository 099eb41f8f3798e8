using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.EntityFrameworkCore;
using System.Diagnostics;

namespace EmailSync.Core.Sync;

/// <summary>A user's Gmail connection as the UI shows it.</summary>
public sealed record MailboxView(
    long Id,
    string GoogleAccount,
    MailboxStatus Status,
    bool CanSend,
    int Listed,
    int Fetched,
    int TotalEstimate,
    DateTimeOffset? LastSyncAt,
    string? LastError,
    string? LastErrorTraceId,
    DateTimeOffset? LastErrorAt);

/// <summary>Connecting, disconnecting and inspecting a user's Gmail.</summary>
public sealed class MailboxConnections(
    ISystemDbContextFactory factory,
    GoogleOAuthService oauth,
    GmailClientFactory clients,
    RefreshTokenProtector protector,
    AccessTokenCache tokens,
    SyncTrigger trigger,
    Association.AssociationDirectoryCache directories,
    TimeProvider clock)
{
    public async Task<MailboxView?> GetAsync(string userId, CancellationToken ct = default)
    {
        await using var db = factory.CreateSystem();
        return await db.MailboxConnections.AsNoTracking()
            .Where(c => c.UserId == userId)
            .Select(c => new MailboxView(c.Id, c.GoogleAccount, c.Status, c.GrantedScopes.Contains(GmailScopes.Send), c.ListedCount, c.FetchedCount,
                c.TotalEstimate, c.LastSyncAt, c.LastError, c.LastErrorTraceId, c.LastErrorAt))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Finishes a consent: exchanges the code (with the PKCE verifier), learns which Google account
    /// was chosen, stores the refresh token encrypted, and starts syncing.
    /// </summary>
    public async Task<MailboxView> CompleteConnectAsync(string userId, string code, string codeVerifier, string redirectUri, CancellationToken ct)
    {
        var token = await oauth.ExchangeAsync(code, codeVerifier, redirectUri, ct);
        string account;
        using (var gmail = clients.CreateWithAccessToken("pending:" + userId, token.AccessToken))
        {
            account = (await gmail.GetProfileAsync(ct)).EmailAddress.Trim().ToLowerInvariant();
        }

        await using var db = factory.CreateSystem();
        var connection = await db.MailboxConnections.FirstOrDefaultAsync(c => c.UserId == userId, ct);
        var refresh = token.RefreshToken ?? (connection?.EncryptedRefreshToken is { } kept && connection.GoogleAccount == account ? protector.Unprotect(kept) : null)
            ?? throw new InvalidOperationException("Google did not return offline access. Disconnect EmailSync in your Google account's security settings, then connect again.");
        if (connection is null)
        {
            connection = new MailboxConnection { UserId = userId, GoogleAccount = account };
            db.MailboxConnections.Add(connection);
        }
        else if (!string.Equals(connection.GoogleAccount, account, StringComparison.OrdinalIgnoreCase))
        {
            // Another Google account: its history and cursors are not this one's.
            connection.GoogleAccount = account;
            connection.HistoryId = null;
            await db.MailboxSyncStates.Where(s => s.MailboxConnectionId == connection.Id).ExecuteDeleteAsync(ct);
        }

        connection.EncryptedRefreshToken = protector.Protect(refresh);
        connection.GrantedScopes = token.Scope ?? GmailScopes.Readonly;
        connection.Status = MailboxStatus.Syncing;
        connection.LastError = null;
        connection.LastErrorTraceId = null;
        connection.NextAttemptAt = null;
        connection.ConsecutiveFailures = 0;
        await db.SaveChangesAsync(ct);
        tokens.Forget(connection.Id);
        await AuditAsync(db, userId, "gmail.connected", account, $"Scopes: {connection.GrantedScopes}", ct);
        // The connected Google account is one of the organization's own addresses: never a customer match.
        foreach (var organization in await db.Memberships.Where(m => m.UserId == userId).Select(m => m.OrganizationId).ToListAsync(ct))
        {
            await directories.MarkChangedAsync(organization, ct);
        }

        trigger.Request(connection.Id);
        return (await GetAsync(userId, ct))!;
    }

    /// <summary>Revokes the token at Google and forgets it; imported mail stays.</summary>
    public async Task DisconnectAsync(string userId, CancellationToken ct)
    {
        await using var db = factory.CreateSystem();
        var connection = await db.MailboxConnections.FirstOrDefaultAsync(c => c.UserId == userId, ct);
        if (connection is null)
        {
            return;
        }

        var revoked = false;
        if (connection.EncryptedRefreshToken is { } encrypted)
        {
            revoked = await oauth.RevokeAsync(protector.Unprotect(encrypted), ct);
        }

        connection.EncryptedRefreshToken = null;
        connection.GrantedScopes = "";
        connection.Status = MailboxStatus.NotConnected;
        connection.HistoryId = null;
        connection.SyncRequestedAt = null;
        connection.WatchExpiresAt = null;
        await db.MailboxSyncStates.Where(s => s.MailboxConnectionId == connection.Id).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        tokens.Forget(connection.Id);
        await AuditAsync(db, userId, "gmail.disconnected", connection.GoogleAccount, revoked ? "Token revoked at Google; imported mail kept." : "Google had already revoked the token; imported mail kept.", ct);
    }

    /// <summary>"Sync now": run this user's mailbox at the next tick.</summary>
    public async Task RequestSyncAsync(long connectionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = factory.CreateSystem();
        await db.MailboxConnections.Where(c => c.Id == connectionId)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.SyncRequestedAt, now).SetProperty(c => c.NextAttemptAt, (DateTimeOffset?)null), ct);
        trigger.Request(connectionId);
    }

    /// <summary>A push notification for <paramref name="emailAddress"/>: sync its mailboxes at once.</summary>
    public async Task<int> OnPushAsync(string emailAddress, CancellationToken ct)
    {
        var account = emailAddress.Trim().ToLowerInvariant();
        var now = clock.GetUtcNow();
        await using var db = factory.CreateSystem();
        var ids = await db.MailboxConnections.Where(c => c.GoogleAccount == account && c.EncryptedRefreshToken != null).Select(c => c.Id).ToListAsync(ct);
        foreach (var id in ids)
        {
            await db.MailboxConnections.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.SyncRequestedAt, now), ct);
            trigger.Request(id);
        }

        return ids.Count;
    }

    private async Task AuditAsync(EmailSyncDbContext db, string userId, string action, string target, string details, CancellationToken ct)
    {
        var organizations = await db.Memberships.Where(m => m.UserId == userId).Select(m => m.OrganizationId).ToListAsync(ct);
        foreach (var organization in organizations)
        {
            db.AuditEvents.Add(new AuditEvent
            {
                OrganizationId = organization,
                UserId = userId,
                Action = action,
                Target = target,
                Details = details,
                TraceId = Activity.Current?.TraceId.ToString(),
                At = clock.GetUtcNow(),
            });
        }

        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Pub/Sub push: the envelope Google posts, and the Gmail notification inside it.</summary>
public static class PushEnvelope
{
    public sealed record Notification(string EmailAddress, ulong? HistoryId);

    /// <summary>Reads <c>{message:{data}}</c> where data is base64url JSON <c>{emailAddress, historyId}</c>; null when malformed.</summary>
    public static Notification? Parse(string body)
    {
        try
        {
            using var envelope = System.Text.Json.JsonDocument.Parse(body);
            if (!envelope.RootElement.TryGetProperty("message", out var message) || !message.TryGetProperty("data", out var data))
            {
                return null;
            }

            using var inner = System.Text.Json.JsonDocument.Parse(Base64Url.Decode(data.GetString() ?? ""));
            var email = inner.RootElement.GetProperty("emailAddress").GetString();
            ulong? history = inner.RootElement.TryGetProperty("historyId", out var h)
                ? h.ValueKind == System.Text.Json.JsonValueKind.String ? ulong.Parse(h.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : h.GetUInt64()
                : null;
            return string.IsNullOrWhiteSpace(email) ? null : new Notification(email, history);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
