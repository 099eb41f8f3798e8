namespace EmailSync.Core.Domain;

/// <summary>One email per organization, deduplicated on the RFC Message-ID across mailboxes.</summary>
public sealed class EmailMessage : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string RfcMessageId { get; set; }
    public string? InReplyTo { get; set; }

    /// <summary>Gmail thread id in the first mailbox it was imported from; groups the timeline.</summary>
    public string? ThreadKey { get; set; }
    public string Subject { get; set; } = "";
    public DateTimeOffset SentAt { get; set; }
    public EmailDirection Direction { get; set; }
    public string FromAddress { get; set; } = "";
    public string? FromName { get; set; }
    public string Snippet { get; set; } = "";

    /// <summary>New text with quoted history and signature stripped (for signals and the assistant).</summary>
    public string? BodyText { get; set; }
    public string? QuotedText { get; set; }

    /// <summary>Raw HTML as received; sanitised when rendered, never before.</summary>
    public string? BodyHtml { get; set; }

    /// <summary>False when only metadata is kept (the thread links to no customer).</summary>
    public bool BodyStored { get; set; }
    public string? Language { get; set; }
    public double? SentimentScore { get; set; }
    public Sentiment? Sentiment { get; set; }
    public List<string> KeywordHits { get; set; } = [];
    public bool HasAttachments { get; set; }
    public bool IsBulk { get; set; }
    public bool IsAutomated { get; set; }
    public List<string> ParseWarnings { get; set; } = [];
    public DateTimeOffset ImportedAt { get; set; }

    public List<EmailParticipant> Participants { get; set; } = [];
    public List<EmailAttachment> Attachments { get; set; } = [];
    public List<EmailSource> Sources { get; set; } = [];
    public List<EmailLink> Links { get; set; } = [];
}

public enum EmailDirection
{
    Inbound = 0,
    Outbound = 1,
    Internal = 2,
}

public enum Sentiment
{
    Negative = -1,
    Neutral = 0,
    Positive = 1,
}

public sealed class EmailParticipant : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public long EmailMessageId { get; set; }
    public ParticipantKind Kind { get; set; }
    public required string Address { get; set; }
    public string? DisplayName { get; set; }

    /// <summary>The address's domain, lower-case, kept for matching by domain.</summary>
    public required string Domain { get; set; }
}

public enum ParticipantKind
{
    From = 0,
    To = 1,
    Cc = 2,
    Bcc = 3,
    ReplyTo = 4,
}

public sealed class EmailAttachment : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public long EmailMessageId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public string? ContentId { get; set; }
    public string? GmailAttachmentId { get; set; }

    /// <summary>Stored only when attachment indexing is on; otherwise fetched from Gmail on demand.</summary>
    public byte[]? Content { get; set; }
}

/// <summary>Where a message was seen: one row per mailbox that holds it (mailbox + Gmail id is unique).</summary>
public sealed class EmailSource : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public long EmailMessageId { get; set; }
    public long MailboxConnectionId { get; set; }
    public required string GmailMessageId { get; set; }
    public required string GmailThreadId { get; set; }
    public List<string> Labels { get; set; } = [];
}

/// <summary>Why an email sits on a customer's timeline.</summary>
public sealed class EmailLink : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public long EmailMessageId { get; set; }
    public long CustomerId { get; set; }
    public long? ContactId { get; set; }
    public MatchReason Reason { get; set; }

    /// <summary>What matched, shown in the UI: "acme.com", "maria@globex.com".</summary>
    public string MatchedValue { get; set; } = "";
    public bool IsShared { get; set; }

    /// <summary>A manual unlink: kept so re-association never brings the link back.</summary>
    public bool IsSuppressed { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public Customer? Customer { get; set; }
}

public enum MatchReason
{
    Contact = 0,
    Domain = 1,
    BodyReference = 2,
    Manual = 3,

    /// <summary>
    /// Inherited from another message of the same thread (a reply without the customer's address);
    /// <see cref="EmailLink.MatchedValue"/> holds what matched in that thread.
    /// </summary>
    Thread = 4,
}
