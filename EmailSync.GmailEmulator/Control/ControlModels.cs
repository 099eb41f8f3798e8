using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmailSync.GmailEmulator.Control;

public sealed record CreateMailboxRequest(string Address, string? DisplayName = null, IReadOnlyList<string>? Aliases = null, int? MessageCount = null);

public sealed record MailboxInfo(string Address, string DisplayName, IReadOnlyList<string> Aliases, int MessagesTotal, int ThreadsTotal, string HistoryId, string OldestValidHistoryId);

public sealed record IssueTokenRequest(string Mailbox, IReadOnlyList<string> Scopes, string? ClientId = null, int? LifetimeSeconds = null, bool IncludeRefreshToken = false);

public sealed record IssuedToken(string AccessToken, string? RefreshToken, int ExpiresIn, string Scope, string ClientId);

public sealed record SimpleAttachment(string FileName, string MimeType, string DataBase64);

/// <summary>
/// A message to deliver: either <see cref="Raw"/> (base64 or base64url RFC 2822 bytes) / <see cref="RawText"/>
/// (the MIME text itself), or simple fields that the emulator turns into MIME.
/// </summary>
public sealed record DeliverRequest
{
    public string? Raw { get; init; }
    public string? RawText { get; init; }
    public string? From { get; init; }
    public IReadOnlyList<string>? To { get; init; }
    public IReadOnlyList<string>? Cc { get; init; }
    public IReadOnlyList<string>? Bcc { get; init; }
    public string? Subject { get; init; }
    public string? Body { get; init; }
    public string? Html { get; init; }

    /// <summary>Message-ID header this one replies to (sets In-Reply-To and References).</summary>
    public string? InReplyTo { get; init; }
    public IReadOnlyList<SimpleAttachment>? Attachments { get; init; }

    /// <summary>Labels; default INBOX + UNREAD.</summary>
    public IReadOnlyList<string>? LabelIds { get; init; }
    public string? ThreadId { get; init; }

    /// <summary>Epoch milliseconds; default now.</summary>
    public long? InternalDate { get; init; }
}

public sealed record DeliveredMessage(string Id, string ThreadId, string HistoryId);

/// <summary>Ground truth of one message, for tests that check what a sync imported.</summary>
public sealed record GroundTruthMessage(
    string Id,
    string ThreadId,
    long InternalDate,
    IReadOnlyList<string> LabelIds,
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    IReadOnlyList<string> DeliveredTo,
    string Subject,
    string? MessageIdHeader,
    IReadOnlyList<string> Filenames,
    string? Category,
    string HistoryId);

public sealed record LabelChangeRequest(IReadOnlyList<string>? Add, IReadOnlyList<string>? Remove);

public sealed record SetQuotaRequest(QuotaTier Tier, int? PerUserPerMinute = null, int? PerProjectPerMinute = null, int? ConcurrentPerUser = null, int? UserLimitStatus = null);

public sealed record PushSettings(string? Endpoint);

public sealed record CompanyInfo(string Name, string Domain, string Language, IReadOnlyList<string> Contacts);

public sealed record CorpusInfo(int Seed, string OrganizationDomain, IReadOnlyList<CompanyInfo> Companies, IReadOnlyList<string> Colleagues);

public static class ControlJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        o.Converters.Add(new JsonStringEnumConverter());
        return o;
    }
}
