using Google.Apis.Requests;
using Newtonsoft.Json;

namespace EmailSync.Core.Gmail;

// The subset of Gmail API v1 resources EmailSync uses, in Google's JSON shapes (64-bit values are
// strings on the wire; Google.Apis' Newtonsoft serializer converts them).

public abstract class GmailResource : IDirectResponseSchema
{
    [JsonProperty("etag")]
    public string? ETag { get; set; }
}

public sealed class GmailProfile : GmailResource
{
    [JsonProperty("emailAddress")] public string EmailAddress { get; set; } = "";
    [JsonProperty("messagesTotal")] public int? MessagesTotal { get; set; }
    [JsonProperty("threadsTotal")] public int? ThreadsTotal { get; set; }
    [JsonProperty("historyId")] public ulong? HistoryId { get; set; }
}

public sealed class GmailMessageRef
{
    [JsonProperty("id")] public string Id { get; set; } = "";
    [JsonProperty("threadId")] public string ThreadId { get; set; } = "";
}

public sealed class GmailMessageList : GmailResource
{
    [JsonProperty("messages")] public List<GmailMessageRef>? Messages { get; set; }
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; set; }
    [JsonProperty("resultSizeEstimate")] public int? ResultSizeEstimate { get; set; }
}

public sealed class GmailMessage : GmailResource
{
    [JsonProperty("id")] public string Id { get; set; } = "";
    [JsonProperty("threadId")] public string ThreadId { get; set; } = "";
    [JsonProperty("labelIds")] public List<string>? LabelIds { get; set; }
    [JsonProperty("snippet")] public string? Snippet { get; set; }
    [JsonProperty("historyId")] public ulong? HistoryId { get; set; }
    [JsonProperty("internalDate")] public long? InternalDate { get; set; }
    [JsonProperty("sizeEstimate")] public int? SizeEstimate { get; set; }

    /// <summary>The whole RFC 2822 message, base64url (format=raw).</summary>
    [JsonProperty("raw")] public string? Raw { get; set; }
    [JsonProperty("payload")] public GmailMessagePart? Payload { get; set; }
}

public sealed class GmailMessagePart
{
    [JsonProperty("partId")] public string? PartId { get; set; }
    [JsonProperty("mimeType")] public string? MimeType { get; set; }
    [JsonProperty("filename")] public string? Filename { get; set; }
    [JsonProperty("headers")] public List<GmailHeader>? Headers { get; set; }
    [JsonProperty("body")] public GmailMessagePartBody? Body { get; set; }
    [JsonProperty("parts")] public List<GmailMessagePart>? Parts { get; set; }
}

public sealed class GmailHeader
{
    [JsonProperty("name")] public string Name { get; set; } = "";
    [JsonProperty("value")] public string Value { get; set; } = "";
}

public sealed class GmailMessagePartBody : GmailResource
{
    [JsonProperty("attachmentId")] public string? AttachmentId { get; set; }
    [JsonProperty("size")] public int? Size { get; set; }
    [JsonProperty("data")] public string? Data { get; set; }
}

public sealed class GmailHistoryList : GmailResource
{
    [JsonProperty("history")] public List<GmailHistory>? History { get; set; }
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; set; }
    [JsonProperty("historyId")] public ulong? HistoryId { get; set; }
}

public sealed class GmailHistory
{
    [JsonProperty("id")] public ulong? Id { get; set; }
    [JsonProperty("messages")] public List<GmailMessageRef>? Messages { get; set; }
    [JsonProperty("messagesAdded")] public List<GmailHistoryMessage>? MessagesAdded { get; set; }
    [JsonProperty("messagesDeleted")] public List<GmailHistoryMessage>? MessagesDeleted { get; set; }
}

public sealed class GmailHistoryMessage
{
    [JsonProperty("message")] public GmailMessageRef? Message { get; set; }
}

public sealed class GmailWatchRequest
{
    [JsonProperty("topicName")] public string TopicName { get; set; } = "";
    [JsonProperty("labelIds")] public List<string>? LabelIds { get; set; }
    [JsonProperty("labelFilterBehavior")] public string? LabelFilterBehavior { get; set; }
}

public sealed class GmailWatchResponse : GmailResource
{
    [JsonProperty("historyId")] public ulong? HistoryId { get; set; }
    [JsonProperty("expiration")] public long? Expiration { get; set; }
}

public sealed class GmailSendRequest
{
    [JsonProperty("raw")] public string Raw { get; set; } = "";
    [JsonProperty("threadId", NullValueHandling = NullValueHandling.Ignore)] public string? ThreadId { get; set; }
}

public sealed class GmailEmpty : GmailResource;
