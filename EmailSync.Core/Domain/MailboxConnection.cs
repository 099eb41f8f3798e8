namespace EmailSync.Core.Domain;

/// <summary>
/// A user's connected Gmail account. Per user, not per organization: one connection syncs into every
/// organization the user belongs to that has import switched on.
/// </summary>
public sealed class MailboxConnection : IAuditable
{
    public long Id { get; set; }
    public required string UserId { get; set; }

    /// <summary>The Google account's address; may differ from the login.</summary>
    public required string GoogleAccount { get; set; }
    public string GrantedScopes { get; set; } = "";

    /// <summary>Refresh token protected with ASP.NET Core Data Protection; never stored in clear.</summary>
    public string? EncryptedRefreshToken { get; set; }
    public MailboxStatus Status { get; set; } = MailboxStatus.NotConnected;

    public int ListedCount { get; set; }
    public int FetchedCount { get; set; }
    public int TotalEstimate { get; set; }
    public ulong? HistoryId { get; set; }
    public string? BackfillPageToken { get; set; }
    public DateTimeOffset? LastSyncAt { get; set; }
    public string? LastError { get; set; }
    public string? LastErrorTraceId { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>Set by push notifications and "Sync now": the scheduler runs this mailbox next.</summary>
    public DateTimeOffset? SyncRequestedAt { get; set; }

    /// <summary>After a failure the mailbox waits until then (exponential, capped).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public int ConsecutiveFailures { get; set; }

    /// <summary>Gmail push (users.watch) expiry; renewed daily while push is configured.</summary>
    public DateTimeOffset? WatchExpiresAt { get; set; }
    public DateTimeOffset? WatchRenewedAt { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum MailboxStatus
{
    NotConnected = 0,
    Syncing = 1,
    Active = 2,
    Unauthorized = 3,
}
