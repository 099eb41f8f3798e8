namespace EmailSync.Core.Mime;

/// <summary>A mailbox from an address header: address lower-cased and trimmed, display name decoded.</summary>
public sealed record EmailAddress(string Address, string? DisplayName);

/// <summary>
/// An attachment (or inline part) of a message. <see cref="Size"/> is the decoded size in bytes and is always
/// counted; <see cref="Content"/> is only kept when the parse options ask for it and the part is small enough.
/// </summary>
public sealed record ParsedAttachment(
    string FileName,
    string ContentType,
    long Size,
    string? ContentId,
    bool IsInline,
    byte[]? Content);

/// <summary>
/// What <see cref="IEmailParser"/> makes of one raw RFC 822 message. Never null fields for collections;
/// whatever could not be parsed is described in <see cref="Warnings"/>.
/// </summary>
public sealed record ParsedEmail
{
    /// <summary>RFC Message-ID without angle brackets, or a stable synthetic id when the header is missing.</summary>
    public required string MessageId { get; init; }

    /// <summary>True when <see cref="MessageId"/> was synthesised from a hash of the message.</summary>
    public bool MessageIdSynthesised { get; init; }

    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public string Subject { get; init; } = "";
    public DateTimeOffset? Date { get; init; }

    public IReadOnlyList<EmailAddress> From { get; init; } = [];
    public IReadOnlyList<EmailAddress> To { get; init; } = [];
    public IReadOnlyList<EmailAddress> Cc { get; init; } = [];
    public IReadOnlyList<EmailAddress> Bcc { get; init; } = [];
    public IReadOnlyList<EmailAddress> ReplyTo { get; init; } = [];

    /// <summary>Plain text: the text/plain body, or text derived from the HTML body when only HTML exists.</summary>
    public string TextBody { get; init; } = "";

    /// <summary>The raw HTML body (NOT sanitised: run it through <see cref="EmailHtmlSanitizer"/> before display).</summary>
    public string? HtmlBody { get; init; }

    /// <summary>The text with quoted history and signature removed: what the sender actually wrote.</summary>
    public string NewText { get; init; } = "";

    /// <summary>What was removed from <see cref="TextBody"/> to get <see cref="NewText"/> (signature, quoted history).</summary>
    public string QuotedText { get; init; } = "";

    /// <summary>About 200 characters of <see cref="NewText"/>, whitespace collapsed.</summary>
    public string Snippet { get; init; } = "";

    public IReadOnlyList<ParsedAttachment> Attachments { get; init; } = [];

    /// <summary>Mailing-list or bulk mail (List-Unsubscribe, List-Id, Precedence: bulk/list/junk).</summary>
    public bool IsBulk { get; init; }

    /// <summary>Machine-sent mail (Auto-Submitted, auto-reply headers, noreply/mailer-daemon senders, delivery reports).</summary>
    public bool IsAutomated { get; init; }

    /// <summary>The message carries a text/calendar part (a meeting invitation or reply).</summary>
    public bool IsCalendarInvite { get; init; }

    /// <summary>Everything that was repaired, capped or skipped while parsing. Empty for a clean message.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
