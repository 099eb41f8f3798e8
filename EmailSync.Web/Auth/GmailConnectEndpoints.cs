using EmailSync.Core.Gmail;
using EmailSync.Core.Sync;
using Google.Apis.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EmailSync.Web.Auth;

/// <summary>
/// Connect Gmail (OAuth web flow with state and PKCE), its callback, and the Gmail push webhook.
/// </summary>
internal static partial class GmailConnectEndpoints
{
    public const string CallbackPath = "/oauth/google/callback";
    private const string FlowCookie = "emailsync.gmail-oauth";

    private sealed record PendingConsent(string State, string Verifier, string UserId, string RedirectUri);

    public static void MapGmailConnectEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/profile/gmail/connect", Connect).RequireAuthorization();
        endpoints.MapGet(CallbackPath, CallbackAsync).RequireAuthorization();
        endpoints.MapPost("/hooks/gmail/push", PushAsync).DisableAntiforgery().AllowAnonymous();
    }

    private static IResult Connect(HttpContext http, bool? send, GoogleOAuthService oauth, IDataProtectionProvider protection)
    {
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var browserBase = new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/");
        var redirectUri = new Uri(browserBase, CallbackPath.TrimStart('/')).ToString();
        var state = Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        var scopes = send == true ? new[] { GmailScopes.Readonly, GmailScopes.Send } : [GmailScopes.Readonly];
        var start = oauth.Start(redirectUri, scopes, state, http.User.FindFirstValue(ClaimTypes.Email), browserBase, forceConsent: true);

        var pending = JsonSerializer.Serialize(new PendingConsent(state, start.CodeVerifier, userId, redirectUri));
        http.Response.Cookies.Append(FlowCookie, Protector(protection).Protect(pending, TimeSpan.FromMinutes(15)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromMinutes(15),
            Path = CallbackPath,
        });
        return Results.Redirect(start.RedirectTo.ToString());
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext http, string? code, string? state, string? error,
        MailboxConnections connections, IDataProtectionProvider protection, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(GmailConnectEndpoints));
        var cookie = http.Request.Cookies[FlowCookie];
        http.Response.Cookies.Delete(FlowCookie, new CookieOptions { Path = CallbackPath });
        PendingConsent? pending = null;
        try
        {
            pending = cookie is null ? null : JsonSerializer.Deserialize<PendingConsent>(Protector(protection).Unprotect(cookie));
        }
        catch (CryptographicException)
        {
            pending = null;
        }

        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (pending is null || state is null || pending.UserId != userId
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(pending.State), Encoding.ASCII.GetBytes(state)))
        {
            LogStateMismatch(logger);
            return Results.Redirect("/profile?gmail=expired");
        }

        if (error is not null || code is null)
        {
            return Results.Redirect(error == "access_denied" ? "/profile?gmail=denied" : "/profile?gmail=failed");
        }

        try
        {
            await connections.CompleteConnectAsync(userId!, code, pending.Verifier, pending.RedirectUri, ct);
            return Results.Redirect("/profile?gmail=connected");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var trace = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
            LogConnectFailed(logger, ex, trace);
            return Results.Redirect($"/profile?gmail=failed&trace={Uri.EscapeDataString(trace)}");
        }
    }

    /// <summary>Pub/Sub push: authenticated by the subscription URL's secret, or by Google's OIDC token when configured.</summary>
    private static async Task<IResult> PushAsync(HttpContext http, string? token, MailboxConnections connections, IOptions<SyncOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(GmailConnectEndpoints));
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.PushSecret) && string.IsNullOrEmpty(settings.PushAudience))
        {
            return Results.NotFound();
        }

        if (!string.IsNullOrEmpty(settings.PushSecret)
            && (token is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(settings.PushSecret))))
        {
            return Results.Unauthorized();
        }

        if (!string.IsNullOrEmpty(settings.PushAudience) && !await HasValidOidcTokenAsync(http, settings.PushAudience))
        {
            return Results.Unauthorized();
        }

        using var reader = new StreamReader(http.Request.Body);
        var notification = PushEnvelope.Parse(await reader.ReadToEndAsync(ct));
        if (notification is null)
        {
            // Acknowledge anyway: Pub/Sub would redeliver a malformed message forever.
            LogMalformedPush(logger);
            return Results.NoContent();
        }

        await connections.OnPushAsync(notification.EmailAddress, ct);
        return Results.NoContent();
    }

    private static async Task<bool> HasValidOidcTokenAsync(HttpContext http, string audience)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            await GoogleJsonWebSignature.ValidateAsync(header["Bearer ".Length..], new GoogleJsonWebSignature.ValidationSettings { Audience = [audience] });
            return true;
        }
        catch (InvalidJwtException)
        {
            return false;
        }
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider provider) =>
        provider.CreateProtector("EmailSync.Gmail.ConsentFlow.v1").ToTimeLimitedDataProtector();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gmail consent callback with a missing or mismatched state; refused")]
    private static partial void LogStateMismatch(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connecting Gmail failed; trace {TraceId}")]
    private static partial void LogConnectFailed(ILogger logger, Exception ex, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed Gmail push envelope")]
    private static partial void LogMalformedPush(ILogger logger);
}
