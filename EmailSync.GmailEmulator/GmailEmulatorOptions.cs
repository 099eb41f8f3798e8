using System.ComponentModel.DataAnnotations;

namespace EmailSync.GmailEmulator;

/// <summary>Which Gmail quota rules the emulator enforces (reference §3).</summary>
public enum QuotaTier
{
    /// <summary>No quota and no concurrency cap: for speed runs.</summary>
    Off,
    /// <summary>Projects that used the API between Nov 2025 and Apr 2026: 15,000 units/user/minute.</summary>
    Legacy,
    /// <summary>Projects created after 1 May 2026: 6,000 units/user/minute, dearer messages.get.</summary>
    Tier2026,
}

/// <summary>Options of the emulator, bound from the <c>GmailEmulator</c> configuration section.</summary>
public sealed class GmailEmulatorOptions
{
    public const string SectionName = "GmailEmulator";

    /// <summary>Seed of the corpus generator: the same seed gives the same mailboxes, ids and bytes.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Generated messages per mailbox (0 = empty mailboxes). Up to 100,000 is generated in seconds.</summary>
    [Range(0, 1_000_000)]
    public int MessagesPerMailbox { get; set; } = 500;

    /// <summary>The mailboxes to create and fill. Empty → two demo CSM mailboxes of <see cref="OrganizationDomain"/>.</summary>
    public List<MailboxSeed> Mailboxes { get; set; } = [];

    /// <summary>The internal domain: mailbox owners' and generated colleagues' domain.</summary>
    [Required]
    public string OrganizationDomain { get; set; } = "northwind-cs.com";

    /// <summary>Number of generated customer companies (each with its own domain and contacts).</summary>
    [Range(1, 10_000)]
    public int CustomerCount { get; set; } = 40;

    /// <summary>How many days back generated mail goes from <see cref="CorpusEnd"/>.</summary>
    [Range(1, 10_000)]
    public int BackfillSpanDays { get; set; } = 400;

    /// <summary>The newest generated message's date; null = the current time at start, rounded down to the hour.</summary>
    public DateTimeOffset? CorpusEnd { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>History older than this is forgotten; a startHistoryId before it returns 404.</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(7);

    public QuotaTier QuotaTier { get; set; } = QuotaTier.Off;

    /// <summary>Overrides of the tier's limits (null = the tier's published value).</summary>
    public QuotaLimits QuotaLimits { get; set; } = new();

    /// <summary>Load one mailbox from a folder of .eml files (bytes kept exactly).</summary>
    public string? EmlFolder { get; set; }

    /// <summary>Load one mailbox from an mbox file (bytes of each message kept exactly).</summary>
    public string? MboxFile { get; set; }

    /// <summary>Address of the mailbox that <see cref="EmlFolder"/> or <see cref="MboxFile"/> fills.</summary>
    public string? LoadIntoMailbox { get; set; }

    /// <summary>Registered OAuth clients. Empty → any client_id/secret is accepted.</summary>
    public List<OAuthClientRegistration> OAuthClients { get; set; } = [];

    /// <summary>Where Pub/Sub-style push notifications are POSTed after <c>watch</c> (absolute URL).</summary>
    public string? PushEndpoint { get; set; }

    /// <summary>The subscription name put in push envelopes.</summary>
    public string PushSubscription { get; set; } = "projects/emailsync-local/subscriptions/gmail-push";

    /// <summary>Minimum interval between two pushes to one user (Google: at most 1/s).</summary>
    public TimeSpan PushMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan WatchLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>When set, a customer message arrives in one of the mailboxes this often (demo "mail flowing").</summary>
    public TimeSpan? LiveMailInterval { get; set; }

    /// <summary>Require a Bearer token on Gmail calls (true, as Google). Tests may issue tokens via the control API.</summary>
    public bool RequireAuthentication { get; set; } = true;
}

/// <summary>A mailbox to create at start.</summary>
public sealed class MailboxSeed
{
    [Required]
    public string Address { get; set; } = "";

    public string? DisplayName { get; set; }

    public List<string> Aliases { get; set; } = [];

    /// <summary>Generated messages for this mailbox; null = <see cref="GmailEmulatorOptions.MessagesPerMailbox"/>.</summary>
    public int? MessageCount { get; set; }
}

/// <summary>Per-minute limits; null keeps the tier's value.</summary>
public sealed class QuotaLimits
{
    public int? PerUserPerMinute { get; set; }

    public int? PerProjectPerMinute { get; set; }

    /// <summary>Requests in flight per user before 429 "Too many concurrent requests for user".</summary>
    public int? ConcurrentPerUser { get; set; }
}

public sealed class OAuthClientRegistration
{
    [Required]
    public string ClientId { get; set; } = "";

    public string? ClientSecret { get; set; }

    /// <summary>Allowed redirect URIs (exact match); empty = any.</summary>
    public List<string> RedirectUris { get; set; } = [];
}
