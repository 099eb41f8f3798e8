using Google;
using Google.Apis.Http;
using System.ComponentModel.DataAnnotations;
using System.Net;

namespace EmailSync.Core.Gmail;

public sealed class GmailRetryOptions
{
    public const string SectionName = "Google:Retry";

    /// <summary>Attempts per call, the first included.</summary>
    [Range(1, 20)] public int MaxTries { get; set; } = 7;

    /// <summary>First back-off; doubles each retry (1 s, 2 s, 4 s ...), with up to 1 s of jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>No single wait is longer, even when Retry-After asks for more.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(64);

    /// <summary>A call (with its retries) that takes longer fails; the sync turn ends and the next resumes from the cursor.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);
}

/// <summary>
/// Replaces Google.Apis' default (503 only) retry: 429, rate-limit 403s and 5xx are retried with
/// exponential back-off, jitter and Retry-After; dropped connections and timeouts too. 401 is left to
/// the credential, which refreshes the token once.
/// </summary>
public sealed class GmailRetryHandler(GmailRetryOptions options, TimeProvider clock, ILogger logger)
    : IHttpUnsuccessfulResponseHandler, IHttpExceptionHandler
{
    private static readonly string[] RateLimitReasons = ["rateLimitExceeded", "userRateLimitExceeded", "backendError"];

    public async Task<bool> HandleResponseAsync(HandleUnsuccessfulResponseArgs args)
    {
        if (!args.SupportsRetry || args.CurrentFailedTry >= args.TotalTries || !await IsRetryableAsync(args.Response))
        {
            return false;
        }

        // A 5xx on send is ambiguous (the mail may have gone out): never risk sending twice. Rate-limit
        // answers (429/403) mean Google refused the call, so those are safe to repeat.
        if (IsSend(args.Request) && (int)args.Response.StatusCode >= 500)
        {
            return false;
        }

        var delay = DelayFor(args.CurrentFailedTry, args.Response.Headers.RetryAfter);
        logger.LogWarning("Gmail answered {Status} to {Method} {Path}; retry {Try} in {Delay} ms",
            (int)args.Response.StatusCode, args.Request.Method, args.Request.RequestUri?.AbsolutePath, args.CurrentFailedTry, (int)delay.TotalMilliseconds);
        await Task.Delay(delay, clock, args.CancellationToken);
        return true;
    }

    public async Task<bool> HandleExceptionAsync(HandleExceptionArgs args)
    {
        var transient = args.Exception is HttpRequestException or IOException
            || (args.Exception is TaskCanceledException && !args.CancellationToken.IsCancellationRequested);
        if (!args.SupportsRetry || !transient || args.CurrentFailedTry >= args.TotalTries || IsSend(args.Request))
        {
            return false;
        }

        var delay = DelayFor(args.CurrentFailedTry, null);
        logger.LogWarning("Gmail call {Method} {Path} failed ({Error}); retry {Try} in {Delay} ms",
            args.Request.Method, args.Request.RequestUri?.AbsolutePath, args.Exception.GetType().Name, args.CurrentFailedTry, (int)delay.TotalMilliseconds);
        await Task.Delay(delay, clock, args.CancellationToken);
        return true;
    }

    private static bool IsSend(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/messages/send", StringComparison.Ordinal) == true;

    internal TimeSpan DelayFor(int failedTry, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter)
    {
        var backoff = options.BaseDelay * Math.Pow(2, Math.Max(0, failedTry - 1));
        var jitter = options.BaseDelay * Random.Shared.NextDouble();
        var asked = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - clock.GetUtcNow() : TimeSpan.Zero);
        var delay = asked > backoff ? asked : backoff + jitter;
        return delay > options.MaxDelay ? options.MaxDelay : delay;
    }

    private static async Task<bool> IsRetryableAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status == 429 || status >= 500)
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            return false;
        }

        await response.Content.LoadIntoBufferAsync();
        var body = await response.Content.ReadAsStringAsync();
        return RateLimitReasons.Any(r => body.Contains($"\"{r}\"", StringComparison.Ordinal));
    }
}

/// <summary>What a Gmail failure means for the mailbox.</summary>
public static class GmailErrors
{
    /// <summary>Access is gone: revoked, expired consent, or a scope missing — the user must reconnect.</summary>
    public static bool IsUnauthorized(Exception exception) => exception switch
    {
        Google.Apis.Auth.OAuth2.Responses.TokenResponseException t => t.Error?.Error is "invalid_grant" or "unauthorized_client" or "invalid_client",
        GoogleApiException g => g.HttpStatusCode == HttpStatusCode.Unauthorized
            || (g.HttpStatusCode == HttpStatusCode.Forbidden && g.Error?.Errors?.Any(e => e.Reason is "insufficientPermissions" or "forbidden" or "domainPolicy") == true),
        _ => exception.InnerException is { } inner && IsUnauthorized(inner),
    };

    /// <summary>history.list's 404: the stored historyId is too old — back to a full sync.</summary>
    public static bool IsNotFound(Exception exception) => exception is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound };

    public static string Describe(Exception exception) => exception switch
    {
        Google.Apis.Auth.OAuth2.Responses.TokenResponseException t =>
            $"Google refused the stored access ({t.Error?.Error}): {t.Error?.ErrorDescription ?? "reconnect Gmail"}",
        GoogleApiException g => $"Gmail answered {(int)g.HttpStatusCode}: {g.Error?.Message ?? g.Message}",
        HttpRequestException h => $"Could not reach Gmail: {h.Message}",
        _ => exception.Message,
    };
}
