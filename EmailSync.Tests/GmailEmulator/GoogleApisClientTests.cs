using System.Net.Http.Headers;
using System.Text;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Discovery;
using Google.Apis.Requests;
using Google.Apis.Services;
using Google.Apis.Util;
using Newtonsoft.Json;

namespace EmailSync.Tests.GmailEmulator;

/// <summary>The official .NET client (Google.Apis) against the emulator: plain calls, long-URL override, errors, BatchRequest; plus hand-written batches in other dialects.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class GoogleApisClientTests(EmulatorFixture fx)
{
    private sealed class MiniGmailService(BaseClientService.Initializer init, string root) : BaseClientService(init)
    {
        public override string Name => "gmail";
        public override string BaseUri => root;
        public override string BasePath => "";
        public override IList<string> Features => [];
        public override string BatchUri => root + "batch";
        public override string BatchPath => "batch";
    }

    public sealed class GmailMessage : Google.Apis.Requests.IDirectResponseSchema
    {
        [JsonProperty("id")] public string? Id { get; set; }
        [JsonProperty("threadId")] public string? ThreadId { get; set; }
        [JsonProperty("labelIds")] public IList<string>? LabelIds { get; set; }
        [JsonProperty("internalDate")] public long? InternalDate { get; set; }
        [JsonProperty("raw")] public string? Raw { get; set; }
        public string? ETag { get; set; }
    }

    private sealed class GetMessageRequest : ClientServiceRequest<GmailMessage>
    {
        public GetMessageRequest(IClientService service, string id, string format) : base(service)
        {
            Id = id;
            Format = format;
            InitParameters();
        }

        [RequestParameter("userId", RequestParameterType.Path)] public string UserId { get; } = "me";
        [RequestParameter("id", RequestParameterType.Path)] public string Id { get; }
        [RequestParameter("format", RequestParameterType.Query)] public string Format { get; }
        public override string MethodName => "get";
        public override string HttpMethod => "GET";
        public override string RestPath => "gmail/v1/users/{userId}/messages/{id}";

        protected override void InitParameters()
        {
            base.InitParameters();
            RequestParameters.Add("userId", new Parameter { Name = "userId", IsRequired = true, ParameterType = "path" });
            RequestParameters.Add("id", new Parameter { Name = "id", IsRequired = true, ParameterType = "path" });
            RequestParameters.Add("format", new Parameter { Name = "format", IsRequired = false, ParameterType = "query" });
        }
    }

    public sealed class MessageRef
    {
        [JsonProperty("id")] public string? Id { get; set; }
    }

    public sealed class ListResponse : Google.Apis.Requests.IDirectResponseSchema
    {
        [JsonProperty("messages")] public IList<MessageRef>? Messages { get; set; }
        [JsonProperty("resultSizeEstimate")] public int? ResultSizeEstimate { get; set; }
        public string? ETag { get; set; }
    }

    private sealed class ListMessagesRequest : ClientServiceRequest<ListResponse>
    {
        public ListMessagesRequest(IClientService service, string q) : base(service)
        {
            Q = q;
            InitParameters();
        }

        [RequestParameter("userId", RequestParameterType.Path)] public string UserId { get; } = "me";
        [RequestParameter("q", RequestParameterType.Query)] public string Q { get; }
        [RequestParameter("maxResults", RequestParameterType.Query)] public long MaxResults { get; } = 500;
        public override string MethodName => "list";
        public override string HttpMethod => "GET";
        public override string RestPath => "gmail/v1/users/{userId}/messages";

        protected override void InitParameters()
        {
            base.InitParameters();
            RequestParameters.Add("userId", new Parameter { Name = "userId", IsRequired = true, ParameterType = "path" });
            RequestParameters.Add("q", new Parameter { Name = "q", IsRequired = false, ParameterType = "query" });
            RequestParameters.Add("maxResults", new Parameter { Name = "maxResults", IsRequired = false, ParameterType = "query" });
        }
    }

    private MiniGmailService Service(string token) => new(new BaseClientService.Initializer
    {
        HttpClientInitializer = GoogleCredential.FromAccessToken(token),
        ApplicationName = "EmailSync.Tests",
    }, fx.Root.ToString());

    [Fact]
    public async Task GoogleApis_LongQuery_IsSentAsPostWithMethodOverride_AndAnswersLikeGet()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        using var service = Service(token);
        var corpus = await fx.Control.GetCorpusAsync();
        var domains = corpus.Companies.Select(c => c.Domain).Take(3).ToArray();
        var shortQ = string.Join(" OR ", domains.Select(d => "from:" + d));
        var longQ = shortQ + string.Concat(Enumerable.Range(0, 120).Select(i => $" OR from:nobody{i}@nowhere.example"));
        Assert.True(longQ.Length > 2048);

        var viaOverride = await new ListMessagesRequest(service, longQ).ExecuteAsync();
        var viaGet = await new ListMessagesRequest(service, shortQ).ExecuteAsync();
        Assert.NotNull(viaGet.Messages);
        Assert.Equal(viaGet.Messages!.Select(m => m.Id), viaOverride.Messages!.Select(m => m.Id));
    }

    [Fact]
    public async Task GoogleApis_ErrorsSurfaceAsGoogleApiException_WithParsedError()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        using var service = Service(token);
        var ex = await Assert.ThrowsAsync<Google.GoogleApiException>(() => new GetMessageRequest(service, "ffffffffffffffff", "minimal").ExecuteAsync());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.HttpStatusCode);
        Assert.Equal(404, ex.Error.Code);
        Assert.Equal("notFound", ex.Error.Errors[0].Reason);
        var bad = await Assert.ThrowsAsync<Google.GoogleApiException>(() => new ListMessagesRequest(service, "list:foo").ExecuteAsync());
        Assert.Equal(400, bad.Error.Code);
        Assert.Contains("list:", bad.Error.Message, StringComparison.Ordinal);
    }

    public sealed class SendBody
    {
        [JsonProperty("raw")] public string? Raw { get; set; }
        [JsonProperty("threadId")] public string? ThreadId { get; set; }
    }

    private sealed class SendRequest : ClientServiceRequest<GmailMessage>
    {
        public SendRequest(IClientService service, SendBody body) : base(service)
        {
            Body = body;
            InitParameters();
        }

        [RequestParameter("userId", RequestParameterType.Path)] public string UserId { get; } = "me";
        private SendBody Body { get; }
        public override string MethodName => "send";
        public override string HttpMethod => "POST";
        public override string RestPath => "gmail/v1/users/{userId}/messages/send";
        protected override object GetBody() => Body;

        protected override void InitParameters()
        {
            base.InitParameters();
            RequestParameters.Add("userId", new Parameter { Name = "userId", IsRequired = true, ParameterType = "path" });
        }
    }

    [Fact]
    public async Task GoogleApis_SendWithGzippedJsonBody_AppliesSent()
    {
        var box = await fx.NewMailboxAsync("gapisend");
        using var service = Service(await fx.TokenAsync(box, EmulatorFixture.Send));
        var mime = $"From: {box}\r\nTo: carla@acme.com\r\nSubject: Via Google.Apis\r\n\r\nHello\r\n";
        var sent = await new SendRequest(service, new SendBody { Raw = Convert.ToBase64String(Encoding.UTF8.GetBytes(mime)).Replace('+', '-').Replace('/', '_') }).ExecuteAsync();
        Assert.Equal(["SENT"], sent.LabelIds!);
        Assert.Equal("Via Google.Apis", (await fx.Control.GetMessagesAsync(box)).Single(m => m.Id == sent.Id).Subject);
    }

    /// <summary>Like the generated SendMediaUpload, but with a path relative to BaseUri so a /google prefix is kept.</summary>
    private sealed class SendMediaUpload : Google.Apis.Upload.ResumableUpload<GmailMessage, GmailMessage>
    {
        public SendMediaUpload(IClientService service, GmailMessage body, Stream content)
            : base(service, "upload/gmail/v1/users/{userId}/messages/send", "POST", content, "message/rfc822")
        {
            Body = body;
        }

        [RequestParameter("userId", RequestParameterType.Path)] public string UserId { get; } = "me";
    }

    [Fact]
    public async Task GoogleApis_ResumableUpload_SendsInChunks()
    {
        var box = await fx.NewMailboxAsync("resumable");
        var token = await fx.TokenAsync(box, EmulatorFixture.Send, EmulatorFixture.Readonly);
        using var service = Service(token);
        var attachment = new string('x', 600_000);
        var mime = $"From: {box}\r\nTo: carla@acme.com\r\nSubject: Big upload\r\nDate: Tue, 2 Jun 2026 10:00:00 +0000\r\nMessage-ID: <big@northwind-cs.com>\r\nContent-Type: text/plain\r\n\r\n{attachment}\r\n";
        var upload = new SendMediaUpload(service, new GmailMessage(), new MemoryStream(Encoding.UTF8.GetBytes(mime)))
        {
            ChunkSize = Google.Apis.Upload.ResumableUpload.MinimumChunkSize, // 256 KiB: three PUTs
        };
        var progress = await upload.UploadAsync();
        Assert.True(progress.Status == Google.Apis.Upload.UploadStatus.Completed, progress.Exception?.ToString());
        Assert.Equal(["SENT"], upload.ResponseBody.LabelIds!);
        var stored = (await fx.Control.GetMessagesAsync(box)).Single();
        Assert.Equal(upload.ResponseBody.Id, stored.Id);
        Assert.Equal("Big upload", stored.Subject);
        var raw = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{stored.Id}?format=raw");
        Assert.Equal(Encoding.UTF8.GetBytes(mime), EmailSync.GmailEmulator.Model.Base64Url.Decode(raw.GetProperty("raw").GetString()!));
    }

    [Fact]
    public async Task GoogleApisBatchRequest_GetsResultsByPosition_WithPerItemErrors()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        using var service = new MiniGmailService(new BaseClientService.Initializer
        {
            HttpClientInitializer = GoogleCredential.FromAccessToken(token),
            ApplicationName = "EmailSync.Tests",
        }, fx.Root.ToString());
        var truth = (await fx.Control.GetMessagesAsync(EmulatorFixture.Alex)).Take(40).ToArray();
        var ids = truth.Select(t => t.Id).ToList();
        ids.Insert(7, "ffffffffffffffff");

        var results = new (GmailMessage? Message, RequestError? Error)[ids.Count];
        var batch = new BatchRequest(service);
        for (var i = 0; i < ids.Count; i++)
        {
            var index = i;
            batch.Queue<GmailMessage>(new GetMessageRequest(service, ids[i], i % 2 == 0 ? "raw" : "minimal"), (content, error, _, _) => results[index] = (content, error));
        }

        await batch.ExecuteAsync();

        for (var i = 0; i < ids.Count; i++)
        {
            if (i == 7)
            {
                Assert.Null(results[i].Message);
                Assert.Equal(404, results[i].Error!.Code);
                Assert.Equal("notFound", results[i].Error!.Errors[0].Reason);
                continue;
            }

            Assert.Null(results[i].Error);
            Assert.Equal(ids[i], results[i].Message!.Id);
            Assert.Equal(truth.Single(t => t.Id == ids[i]).InternalDate, results[i].Message!.InternalDate);
            Assert.Equal(i % 2 == 0, results[i].Message!.Raw is not null);
        }
    }

    private async Task<(int Status, string ContentType, string Body)> PostBatchAsync(string path, string boundaryHeader, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/mixed; boundary=" + boundaryHeader);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await fx.Http.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType!.ToString(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BatchGmailV1_AcceptsRelativeUrisLfLinesAndContentIds()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Bianca);
        var ids = (await fx.Control.GetMessagesAsync(EmulatorFixture.Bianca)).Take(2).Select(m => m.Id).ToArray();
        var body = new StringBuilder();
        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            body.Append("--b0undary\nContent-Type: application/http\nContent-ID: <item").Append(n).Append(">\n\n");
            body.Append("GET /gmail/v1/users/me/messages/").Append(id).Append("?format=minimal&fields=id\n\n");
        }

        body.Append("--b0undary\nContent-Type: application/http\n\nGET /gmail/v1/users/me/profile HTTP/1.1\nAuthorization: Bearer nope\n\n");
        body.Append("--b0undary--\n");
        var (status, contentType, text) = await PostBatchAsync("batch/gmail/v1", "\"b0undary\"", body.ToString(), token);
        Assert.Equal(200, status);
        var boundary = contentType[(contentType.IndexOf("boundary=", StringComparison.Ordinal) + 9)..];
        Assert.DoesNotContain("\"", boundary, StringComparison.Ordinal);
        var parts = text.Split("--" + boundary).Skip(1).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, parts.Length);
        Assert.Contains("Content-ID: <response-item0>", parts[0], StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 200 OK", parts[0], StringComparison.Ordinal);
        Assert.Contains($"{{\"id\":\"{ids[0]}\"}}", parts[0], StringComparison.Ordinal);
        Assert.Contains($"{{\"id\":\"{ids[1]}\"}}", parts[1], StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 401", parts[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_MoreThan100Calls_Is400()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var body = new StringBuilder();
        for (var i = 0; i < 101; i++)
        {
            body.Append("--x\r\nContent-Type: application/http\r\n\r\nGET /gmail/v1/users/me/profile\r\n\r\n");
        }

        body.Append("--x--\r\n");
        var (status, _, text) = await PostBatchAsync("batch", "x", body.ToString(), token);
        Assert.Equal(400, status);
        Assert.Contains("at most 100", text, StringComparison.Ordinal);
    }
}
