using Google.Apis.Discovery;
using Google.Apis.Requests;
using Google.Apis.Services;
using Google.Apis.Util;

namespace EmailSync.Core.Gmail;

/// <summary>
/// A typed Gmail API v1 client on Google.Apis (Google.Apis.Gmail.v1 is not on our package source):
/// the service with its resources and one request class per method EmailSync uses. The base URI comes
/// from configuration, so the same code talks to Google or to the emulator.
/// </summary>
public sealed class GmailApiService : BaseClientService
{
    public const string DefaultBaseUri = "https://gmail.googleapis.com/";

    public GmailApiService(Initializer initializer) : base(initializer)
    {
        Users = new UsersResource(this);
    }

    public override string Name => "gmail";
    public override string BaseUri => BaseUriOverride ?? DefaultBaseUri;
    public override string BasePath => "";
    public override string BatchUri => BaseUri + "batch";
    public override string BatchPath => "batch";
    public override IList<string> Features => [];

    public UsersResource Users { get; }

    public sealed class UsersResource(GmailApiService service)
    {
        public ProfileRequest GetProfile(string userId = "me") => new(service, userId);

        public ListMessagesRequest ListMessages(string userId = "me") => new(service, userId);

        public GetMessageRequest GetMessage(string id, string userId = "me") => new(service, userId, id);

        public GetAttachmentRequest GetAttachment(string messageId, string attachmentId, string userId = "me") => new(service, userId, messageId, attachmentId);

        public SendMessageRequest Send(GmailSendRequest body, string userId = "me") => new(service, userId, body);

        public ListHistoryRequest ListHistory(ulong startHistoryId, string userId = "me") => new(service, userId, startHistoryId);

        public WatchRequest Watch(GmailWatchRequest body, string userId = "me") => new(service, userId, body);

        public StopRequest Stop(string userId = "me") => new(service, userId);
    }
}

/// <summary>The parameters every Gmail method takes: user id, partial response fields, compact JSON.</summary>
public abstract class GmailRequest<TResponse> : ClientServiceRequest<TResponse>
{
    protected GmailRequest(IClientService service, string userId) : base(service)
    {
        UserId = userId;
        // Google.Apis finds each [RequestParameter] property's metadata in RequestParameters; generated
        // clients fill it from each request's constructor. The overrides only add entries, so calling
        // them here (before the leaf constructor body) is safe.
#pragma warning disable CA2214
        InitParameters();
#pragma warning restore CA2214
    }

    [RequestParameter("userId", RequestParameterType.Path)]
    public string UserId { get; }

    /// <summary>Partial response selector, e.g. "id,threadId,raw".</summary>
    [RequestParameter("fields", RequestParameterType.Query)]
    public string? Fields { get; set; }

    [RequestParameter("prettyPrint", RequestParameterType.Query)]
    public bool? PrettyPrint { get; set; } = false;

    /// <summary>The quota method name (see <see cref="QuotaCosts"/>).</summary>
    public abstract GmailMethod Method { get; }

    protected override void InitParameters()
    {
        base.InitParameters();
        Add("userId", true, null);
        Add("fields", false, null);
        Add("prettyPrint", false, null);
    }

    protected void Add(string name, bool required, string? pattern) =>
        RequestParameters.Add(name, new Parameter
        {
            Name = name,
            IsRequired = required,
            ParameterType = name is "userId" or "id" or "messageId" ? "path" : "query",
            Pattern = pattern,
        });
}

public sealed class ProfileRequest(IClientService service, string userId) : GmailRequest<GmailProfile>(service, userId)
{
    public override string MethodName => "getProfile";
    public override string HttpMethod => "GET";
    public override string RestPath => "gmail/v1/users/{userId}/profile";
    public override GmailMethod Method => GmailMethod.GetProfile;
}

public sealed class ListMessagesRequest(IClientService service, string userId) : GmailRequest<GmailMessageList>(service, userId)
{
    [RequestParameter("q", RequestParameterType.Query)] public string? Q { get; set; }
    [RequestParameter("pageToken", RequestParameterType.Query)] public string? PageToken { get; set; }
    [RequestParameter("maxResults", RequestParameterType.Query)] public int? MaxResults { get; set; }
    [RequestParameter("includeSpamTrash", RequestParameterType.Query)] public bool? IncludeSpamTrash { get; set; }
    [RequestParameter("labelIds", RequestParameterType.Query)] public Repeatable<string>? LabelIds { get; set; }

    public override string MethodName => "list";
    public override string HttpMethod => "GET";
    public override string RestPath => "gmail/v1/users/{userId}/messages";
    public override GmailMethod Method => GmailMethod.MessagesList;

    protected override void InitParameters()
    {
        base.InitParameters();
        Add("q", false, null);
        Add("pageToken", false, null);
        Add("maxResults", false, null);
        Add("includeSpamTrash", false, null);
        Add("labelIds", false, null);
    }
}

public sealed class GetMessageRequest(IClientService service, string userId, string id) : GmailRequest<GmailMessage>(service, userId)
{
    [RequestParameter("id", RequestParameterType.Path)] public string Id { get; } = id;

    /// <summary>minimal | metadata | full | raw.</summary>
    [RequestParameter("format", RequestParameterType.Query)] public string? Format { get; set; }
    [RequestParameter("metadataHeaders", RequestParameterType.Query)] public Repeatable<string>? MetadataHeaders { get; set; }

    public override string MethodName => "get";
    public override string HttpMethod => "GET";
    public override string RestPath => "gmail/v1/users/{userId}/messages/{id}";
    public override GmailMethod Method => GmailMethod.MessagesGet;

    protected override void InitParameters()
    {
        base.InitParameters();
        Add("id", true, null);
        Add("format", false, null);
        Add("metadataHeaders", false, null);
    }
}

public sealed class GetAttachmentRequest(IClientService service, string userId, string messageId, string attachmentId)
    : GmailRequest<GmailMessagePartBody>(service, userId)
{
    [RequestParameter("messageId", RequestParameterType.Path)] public string MessageId { get; } = messageId;
    [RequestParameter("id", RequestParameterType.Path)] public string Id { get; } = attachmentId;

    public override string MethodName => "get";
    public override string HttpMethod => "GET";
    public override string RestPath => "gmail/v1/users/{userId}/messages/{messageId}/attachments/{id}";
    public override GmailMethod Method => GmailMethod.AttachmentsGet;

    protected override void InitParameters()
    {
        base.InitParameters();
        Add("messageId", true, null);
        Add("id", true, null);
    }
}

public sealed class SendMessageRequest(IClientService service, string userId, GmailSendRequest body) : GmailRequest<GmailMessage>(service, userId)
{
    public override string MethodName => "send";
    public override string HttpMethod => "POST";
    public override string RestPath => "gmail/v1/users/{userId}/messages/send";
    public override GmailMethod Method => GmailMethod.MessagesSend;

    protected override object GetBody() => body;
}

public sealed class ListHistoryRequest(IClientService service, string userId, ulong startHistoryId) : GmailRequest<GmailHistoryList>(service, userId)
{
    [RequestParameter("startHistoryId", RequestParameterType.Query)] public ulong StartHistoryId { get; } = startHistoryId;
    [RequestParameter("pageToken", RequestParameterType.Query)] public string? PageToken { get; set; }
    [RequestParameter("maxResults", RequestParameterType.Query)] public int? MaxResults { get; set; }
    [RequestParameter("historyTypes", RequestParameterType.Query)] public Repeatable<string>? HistoryTypes { get; set; }

    public override string MethodName => "list";
    public override string HttpMethod => "GET";
    public override string RestPath => "gmail/v1/users/{userId}/history";
    public override GmailMethod Method => GmailMethod.HistoryList;

    protected override void InitParameters()
    {
        base.InitParameters();
        Add("startHistoryId", true, null);
        Add("pageToken", false, null);
        Add("maxResults", false, null);
        Add("historyTypes", false, null);
    }
}

public sealed class WatchRequest(IClientService service, string userId, GmailWatchRequest body) : GmailRequest<GmailWatchResponse>(service, userId)
{
    public override string MethodName => "watch";
    public override string HttpMethod => "POST";
    public override string RestPath => "gmail/v1/users/{userId}/watch";
    public override GmailMethod Method => GmailMethod.Watch;

    protected override object GetBody() => body;
}

public sealed class StopRequest(IClientService service, string userId) : GmailRequest<GmailEmpty>(service, userId)
{
    public override string MethodName => "stop";
    public override string HttpMethod => "POST";
    public override string RestPath => "gmail/v1/users/{userId}/stop";
    public override GmailMethod Method => GmailMethod.Stop;
}
