using EmailSync.Core.Domain;
using Google.Apis.Http;
using Google.Apis.Requests;
using Google.Apis.Services;
using Microsoft.Extensions.Options;

namespace EmailSync.Core.Gmail;

/// <summary>Makes a <see cref="GmailMailboxClient"/> for a stored connection.</summary>
public sealed class GmailClientFactory(
    GoogleEndpoints endpoints,
    GoogleOAuthService oauth,
    RefreshTokenProtector protector,
    QuotaGovernor governor,
    IOptions<GmailRetryOptions> retry,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public GmailMailboxClient Create(MailboxConnection connection)
    {
        var encrypted = connection.EncryptedRefreshToken ?? throw new InvalidOperationException("This mailbox has no stored Google access; reconnect Gmail.");
        return CreateWithRefreshToken(connection.Id, connection.GoogleAccount, protector.Unprotect(encrypted));
    }

    public GmailMailboxClient CreateWithRefreshToken(long connectionId, string account, string refreshToken)
    {
        var credential = oauth.CredentialFor(connectionId, refreshToken);
        return CreateWith(account, credential);
    }

    /// <summary>A client on a bare access token (used right after consent, before the connection exists).</summary>
    public GmailMailboxClient CreateWithAccessToken(string account, string accessToken) =>
        CreateWith(account, new BearerToken(accessToken));

    private GmailMailboxClient CreateWith(string account, IConfigurableHttpClientInitializer credential)
    {
        var handler = new GmailRetryHandler(retry.Value, clock, loggers.CreateLogger<GmailRetryHandler>());
        var service = new GmailApiService(new BaseClientService.Initializer
        {
            ApplicationName = "EmailSync",
            BaseUri = endpoints.GmailBaseUri,
            GZipEnabled = true,
            HttpClientTimeout = retry.Value.RequestTimeout,
            DefaultExponentialBackOffPolicy = Google.Apis.Http.ExponentialBackOffPolicy.None,
            HttpClientInitializer = new Initializers(credential, handler, retry.Value.MaxTries),
        });
        return new GmailMailboxClient(service, account, governor);
    }

    private sealed class Initializers(IConfigurableHttpClientInitializer credential, GmailRetryHandler retry, int maxTries) : IConfigurableHttpClientInitializer
    {
        public void Initialize(ConfigurableHttpClient httpClient)
        {
            credential.Initialize(httpClient);
            httpClient.MessageHandler.NumTries = maxTries;
            httpClient.MessageHandler.AddUnsuccessfulResponseHandler(retry);
            httpClient.MessageHandler.AddExceptionHandler(retry);
        }
    }

    private sealed class BearerToken(string accessToken) : IConfigurableHttpClientInitializer, IHttpExecuteInterceptor
    {
        public void Initialize(ConfigurableHttpClient httpClient) => httpClient.MessageHandler.AddExecuteInterceptor(this);

        public Task InterceptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
            return Task.CompletedTask;
        }
    }
}

/// <summary>One raw message fetched in a batch, or why it could not be.</summary>
public sealed record RawMessage(string Id, string ThreadId, IReadOnlyList<string> Labels, long? InternalDate, byte[]? Raw, string? Error);

/// <summary>
/// One Google account's Gmail, every call paid for in the quota governor first. Batches of gets are
/// retried item by item (Google.Apis never retries batch items).
/// </summary>
public sealed class GmailMailboxClient(GmailApiService service, string account, QuotaGovernor governor) : IDisposable
{
    private const string RawFields = "id,threadId,labelIds,internalDate,raw";

    /// <summary>The error of an item that kept failing with retryable errors.</summary>
    public const string StillFailing = "still failing after retries";

    public string Account => account;

    public GmailApiService Service => service;

    public Task<GmailProfile> GetProfileAsync(CancellationToken ct) => ExecuteAsync(service.Users.GetProfile(), ct);

    public Task<GmailMessageList> ListMessagesAsync(string query, string? pageToken, int maxResults, CancellationToken ct)
    {
        var request = service.Users.ListMessages();
        request.Q = query;
        request.PageToken = pageToken;
        request.MaxResults = maxResults;
        request.Fields = "messages(id,threadId),nextPageToken,resultSizeEstimate";
        return ExecuteAsync(request, ct);
    }

    public Task<GmailHistoryList> ListHistoryAsync(ulong startHistoryId, string? pageToken, CancellationToken ct)
    {
        var request = service.Users.ListHistory(startHistoryId);
        request.PageToken = pageToken;
        request.MaxResults = 500;
        request.HistoryTypes = new Google.Apis.Util.Repeatable<string>(["messageAdded"]);
        return ExecuteAsync(request, ct);
    }

    public Task<GmailMessagePartBody> GetAttachmentAsync(string messageId, string attachmentId, CancellationToken ct) =>
        ExecuteAsync(service.Users.GetAttachment(messageId, attachmentId), ct);

    public Task<GmailMessage> SendAsync(byte[] rawMessage, string? threadId, CancellationToken ct) =>
        ExecuteAsync(service.Users.Send(new GmailSendRequest { Raw = Base64Url.Encode(rawMessage), ThreadId = threadId }), ct);

    public Task<GmailWatchResponse> WatchAsync(string topicName, CancellationToken ct) =>
        ExecuteAsync(service.Users.Watch(new GmailWatchRequest { TopicName = topicName }), ct);

    public Task StopAsync(CancellationToken ct) => ExecuteAsync(service.Users.Stop(), ct);

    public async Task<TResponse> ExecuteAsync<TResponse>(GmailRequest<TResponse> request, CancellationToken ct)
    {
        await governor.AcquireAsync(account, governor.Cost(request.Method), ct);
        using var slot = await governor.EnterAsync(account, ct);
        return await request.ExecuteAsync(ct);
    }

    /// <summary>
    /// Fetches each id once as raw MIME, in batches of the governor's size. Items that fail with a
    /// retryable error are fetched again (up to <paramref name="rounds"/> times); the rest come back with
    /// <see cref="RawMessage.Error"/> set.
    /// </summary>
    public async Task<IReadOnlyList<RawMessage>> GetRawAsync(IReadOnlyList<string> ids, CancellationToken ct, int rounds = 5)
    {
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, RawMessage>(StringComparer.Ordinal);
        var pending = ids.Distinct().ToList();
        for (var round = 0; round < rounds && pending.Count > 0; round++)
        {
            var retry = new System.Collections.Concurrent.ConcurrentBag<string>();
            // Batches go out in parallel, up to the account's concurrency cap (the governor holds the rest).
            await Parallel.ForEachAsync(
                pending.Chunk(governor.BatchSize),
                new ParallelOptions { MaxDegreeOfParallelism = governor.Options.MaxConcurrentPerUser, CancellationToken = ct },
                async (chunk, token) => await FetchBatchAsync(chunk, results, retry, token));
            pending = [.. retry];
            if (pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, round)), ct);
            }
        }

        foreach (var id in pending)
        {
            results[id] = new RawMessage(id, "", [], null, null, StillFailing);
        }

        return ids.Distinct().Select(id => results[id]).ToList();
    }

    private async Task FetchBatchAsync(string[] chunk, System.Collections.Concurrent.ConcurrentDictionary<string, RawMessage> results, System.Collections.Concurrent.ConcurrentBag<string> retry, CancellationToken ct)
    {
        await governor.AcquireAsync(account, governor.Cost(GmailMethod.MessagesGet) * chunk.Length, ct);
        using var slot = await governor.EnterAsync(account, ct);
        var batch = new BatchRequest(service, service.BatchUri);
        foreach (var id in chunk)
        {
            var get = service.Users.GetMessage(id);
            get.Format = "raw";
            get.Fields = RawFields;
            batch.Queue<GmailMessage>(get, (message, error, index, response) =>
            {
                if (message is not null)
                {
                    results[id] = new RawMessage(message.Id, message.ThreadId, message.LabelIds ?? [], message.InternalDate, Base64Url.Decode(message.Raw ?? ""), null);
                }
                else if (IsRetryable((int)response.StatusCode, error))
                {
                    retry.Add(id);
                }
                else
                {
                    results[id] = new RawMessage(id, "", [], null, null, $"{(int)response.StatusCode} {error?.Message}");
                }
            });
        }

        await batch.ExecuteAsync(ct);
    }

    private static bool IsRetryable(int status, RequestError? error) =>
        status is 429 or >= 500
        || (status == 403 && error?.Errors?.Any(e => e.Reason is "rateLimitExceeded" or "userRateLimitExceeded") == true);

    public void Dispose() => service.Dispose();
}

public static class Base64Url
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Accepts padded and unpadded input (Google sends both).</summary>
    public static byte[] Decode(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        return Convert.FromBase64String(s);
    }
}
