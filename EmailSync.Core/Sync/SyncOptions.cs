using System.ComponentModel.DataAnnotations;

namespace EmailSync.Core.Sync;

public sealed class SyncOptions
{
    public const string SectionName = "Sync";

    /// <summary>Run the mailbox scheduler in this process (an instance can be Web-only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an active mailbox asks Gmail's history for new mail (the safety net under push).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the scheduler looks for due mailboxes.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A mailbox works at most this long per turn, so new mailboxes are not starved behind big backfills.</summary>
    public TimeSpan Slice { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A lease expires this long after its last renewal; another instance may then take the mailbox.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(90);

    [Range(1, 64)] public int MaxParallelMailboxes { get; set; } = 4;

    /// <summary>How often the in-scope ids Gmail lists are compared with what is stored.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Page size of messages.list (Gmail allows up to 500).</summary>
    [Range(1, 500)] public int ListPageSize { get; set; } = 500;

    /// <summary>Store attachment bytes (for indexing); otherwise they are fetched from Gmail on demand.</summary>
    public bool StoreAttachmentContent { get; set; }

    /// <summary>Secret in the push subscription URL (/hooks/gmail/push?token=...); push is off while empty.</summary>
    public string? PushSecret { get; set; }

    /// <summary>The Pub/Sub topic for users.watch ("projects/p/topics/t"); no watch while empty.</summary>
    public string? PushTopic { get; set; }

    /// <summary>When set, push requests must carry a Google-signed OIDC token for this audience.</summary>
    public string? PushAudience { get; set; }

    /// <summary>Terms per Gmail search query when the scope lists many aliases, domains or contacts.</summary>
    [Range(1, 100)] public int TermsPerQuery { get; set; } = 12;
}
