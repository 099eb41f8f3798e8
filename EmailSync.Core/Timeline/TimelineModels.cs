using EmailSync.Core.Domain;

namespace EmailSync.Core.Timeline;

/// <summary>A person on an email: address and display name.</summary>
public sealed record EmailPerson(string Address, string? Name)
{
    public string Display => string.IsNullOrWhiteSpace(Name) ? Address : Name!;

    /// <summary>Up to two letters for the avatar ("Maria Souza" → "MS", "billing@acme.com" → "B").</summary>
    public string Initials
    {
        get
        {
            var words = Display.Split([' ', '.', '_', '-', '@'], StringSplitOptions.RemoveEmptyEntries);
            var letters = words.Where(w => char.IsLetterOrDigit(w[0])).Take(string.IsNullOrWhiteSpace(Name) ? 1 : 2).Select(w => char.ToUpperInvariant(w[0]));
            var text = new string([.. letters]);
            return text.Length == 0 ? "?" : text;
        }
    }
}

/// <summary>An attachment as the timeline lists it (never its bytes).</summary>
public sealed record TimelineAttachment(long Id, string FileName, string ContentType, long Size, string? ContentId, bool ContentStored)
{
    /// <summary>Inline images (referenced by cid:) are shown in the body, not listed as attachments.</summary>
    public bool IsInlineImage => ContentId is not null && ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Why the email is on this customer's timeline ("domain acme.com", "contact maria@globex.com", "manual").</summary>
public sealed record TimelineLinkReason(MatchReason Reason, string MatchedValue)
{
    public string Label => Reason switch
    {
        MatchReason.Domain => $"domain {MatchedValue}",
        MatchReason.Contact => $"contact {MatchedValue}",
        MatchReason.BodyReference => $"mentioned: {MatchedValue}",
        MatchReason.Manual => "manual",
        MatchReason.Thread => string.IsNullOrEmpty(MatchedValue) ? "thread" : $"thread · {MatchedValue}",
        _ => MatchedValue,
    };
}

/// <summary>Another customer the same email is linked to (the "shared" tag).</summary>
public sealed record SharedCustomer(long Id, string Name);

/// <summary>One email as a timeline row shows it.</summary>
public sealed record TimelineEmail(
    long Id,
    string GroupKey,
    EmailDirection Direction,
    string Subject,
    string Snippet,
    DateTimeOffset SentAt,
    EmailPerson From,
    IReadOnlyList<EmailPerson> To,
    IReadOnlyList<EmailPerson> Cc,
    IReadOnlyList<TimelineAttachment> Attachments,
    TimelineLinkReason Link,
    IReadOnlyList<SharedCustomer> SharedWith,
    bool BodyStored,
    Sentiment? Sentiment,
    IReadOnlyList<string> KeywordHits)
{
    public bool IsShared => SharedWith.Count > 0;

    public IEnumerable<TimelineAttachment> ListedAttachments => Attachments.Where(a => !a.IsInlineImage);
}

/// <summary>A thread on the timeline: its newest (matching) email, and how many it holds.</summary>
public sealed record TimelineThread(string Key, int MessageCount, DateTimeOffset LastAt, TimelineEmail Latest);

/// <summary>Where the next page of the timeline starts (keyset: older than this thread).</summary>
public sealed record TimelineCursor(DateTimeOffset LastAt, string Key);

public sealed record TimelinePage(IReadOnlyList<TimelineThread> Threads, TimelineCursor? Next);

/// <summary>Filters of the timeline. Dates are instants (the UI converts the user's days with their time zone).</summary>
public sealed record TimelineFilter
{
    public long? ContactId { get; init; }
    public EmailDirection? Direction { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public bool HasAttachment { get; init; }
    public string? Text { get; init; }

    public static TimelineFilter None { get; } = new();

    public bool IsEmpty => ContactId is null && Direction is null && Since is null && Until is null && !HasAttachment && string.IsNullOrWhiteSpace(Text);
}

/// <summary>The opened email: its body (raw HTML — sanitise when rendering) and the inline parts it references.</summary>
public sealed record EmailContent(
    long Id,
    string Subject,
    bool BodyStored,
    string? Text,
    string? QuotedText,
    string? Html,
    IReadOnlyDictionary<string, long> InlineParts,
    IReadOnlyList<string> Warnings,
    string? ImportedFrom);

public sealed record ContactSummary(long Id, string Email, string? Name, bool IsChampion)
{
    public string Display => string.IsNullOrWhiteSpace(Name) ? Email : $"{Name} <{Email}>";
}

/// <summary>The Customer 360 header.</summary>
public sealed record CustomerHeader(
    long Id,
    string Name,
    bool IsTemporary,
    IReadOnlyList<string> Domains,
    IReadOnlyList<ContactSummary> Contacts,
    int? HealthScore,
    int? EngagementScore,
    int? SentimentScore,
    DateTimeOffset? LastInbound,
    DateTimeOffset? LastOutbound,
    int EmailsThisMonth,
    int EmailsInWindow,
    int WindowDays)
{
    public DateTimeOffset? LastContact => LastInbound > LastOutbound || LastOutbound is null ? LastInbound : LastOutbound;

    public ContactSummary? Champion => Contacts.FirstOrDefault(c => c.IsChampion);
}

/// <summary>One row of the customers list.</summary>
public sealed record CustomerRow(
    long Id,
    string Name,
    IReadOnlyList<string> Domains,
    bool IsTemporary,
    DateTimeOffset? LastInbound,
    DateTimeOffset? LastOutbound,
    int EmailsInWindow);

public sealed record CustomerRowPage(IReadOnlyList<CustomerRow> Items, int Total, int WindowDays);

public enum CustomerSort
{
    Name,
    LastInbound,
    LastOutbound,
    EmailsInWindow,
}
