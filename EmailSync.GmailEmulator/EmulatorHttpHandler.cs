using EmailSync.GmailEmulator.Api;
using EmailSync.GmailEmulator.Control;
using EmailSync.GmailEmulator.OAuth;
using Microsoft.AspNetCore.Http.Features;

namespace EmailSync.GmailEmulator;

/// <summary>The emulator's own router: every request under the mount prefix lands here.</summary>
public sealed class EmulatorHttpHandler(GmailApi gmail, BatchHandler batch, OAuthEndpoints oauth, ControlApi control, ILogger<EmulatorHttpHandler> logger)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var method = ctx.Request.Method;
        switch (path)
        {
            case "/o/oauth2/v2/auth" or "/o/oauth2/auth" when method == "GET":
                await oauth.AuthorizeAsync(ctx);
                return;
            case "/o/oauth2/v2/auth/consent" when method == "POST":
                await oauth.ConsentAsync(ctx);
                return;
            case "/token" or "/o/oauth2/token" or "/oauth2/v4/token" when method == "POST":
                await oauth.TokenAsync(ctx);
                return;
            case "/revoke" or "/o/oauth2/revoke" when method is "POST" or "GET":
                await oauth.RevokeAsync(ctx);
                return;
            case "/oauth2/v3/tokeninfo" when method is "GET" or "POST":
                await oauth.TokenInfoAsync(ctx);
                return;
            case "/batch/gmail/v1" or "/batch" when method == "POST":
                await BatchAsync(ctx);
                return;
        }

        if (path.StartsWith("/emulator/", StringComparison.Ordinal))
        {
            await control.HandleAsync(ctx);
            return;
        }

        if (path.StartsWith("/gmail/v1/", StringComparison.Ordinal) || path.StartsWith("/upload/gmail/v1/", StringComparison.Ordinal))
        {
            await GmailAsync(ctx, path);
            return;
        }

        await WriteAsync(ctx, GoogleErrors.NotFound());
    }

    private async Task GmailAsync(HttpContext ctx, string path)
    {
        var request = new ApiRequest
        {
            Method = ctx.Request.Method,
            Path = path,
            Query = ctx.Request.Query.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Headers = Headers(ctx),
            Body = await ReadBodyAsync(ctx),
            PublicBase = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}",
        };
        ApiResponse response;
        try
        {
            response = await gmail.HandleAsync(request, ctx.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Gmail emulator failed on {Method} {Path}", request.Method, request.Path);
            response = GoogleErrors.Error(500, "Internal error encountered.", "backendError");
        }

        await WriteAsync(ctx, response);
    }

    private async Task BatchAsync(HttpContext ctx)
    {
        var result = await batch.HandleAsync(ctx.Request.ContentType, Headers(ctx), await ReadBodyAsync(ctx), ctx.RequestAborted);
        if (result.Abort)
        {
            ctx.Abort();
            return;
        }

        if (result.Response is not null)
        {
            await WriteAsync(ctx, result.Response);
            return;
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "multipart/mixed; boundary=" + result.Boundary;
        ctx.Response.ContentLength = result.Body.Length;
        await ctx.Response.Body.WriteAsync(result.Body, ctx.RequestAborted);
    }

    private static Dictionary<string, string> Headers(HttpContext ctx)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in ctx.Request.Headers)
        {
            headers[k] = v.ToString();
        }

        return headers;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength == 0 || (ctx.Request.ContentLength is null && ctx.Request.Headers.TransferEncoding.Count == 0))
        {
            return [];
        }

        using var ms = new MemoryStream();
        var encoding = ctx.Request.Headers.ContentEncoding.ToString();
        if (encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            // Google.Apis compresses request bodies (GZipEnabled is on by default).
            await using var gzip = new System.IO.Compression.GZipStream(ctx.Request.Body, System.IO.Compression.CompressionMode.Decompress);
            await gzip.CopyToAsync(ms, ctx.RequestAborted);
        }
        else
        {
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        }

        return ms.ToArray();
    }

    private static async Task WriteAsync(HttpContext ctx, ApiResponse response)
    {
        if (response.Abort)
        {
            ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            ctx.Abort();
            return;
        }

        ctx.Response.StatusCode = response.Status;
        foreach (var (k, v) in response.Headers)
        {
            ctx.Response.Headers[k] = v;
        }

        if (response.Body.Length > 0 || response.Status != 204)
        {
            ctx.Response.ContentType = response.ContentType;
            ctx.Response.ContentLength = response.Body.Length;
            await ctx.Response.Body.WriteAsync(response.Body, ctx.RequestAborted);
        }
    }
}
