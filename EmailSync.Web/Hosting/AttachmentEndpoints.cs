using EmailSync.Core.Timeline;
using EmailSync.Web.Auth;
using System.Net;

namespace EmailSync.Web.Hosting;

/// <summary>
/// Attachment downloads and inline (<c>cid:</c>) images of the timeline. Members only; the tenant-scoped
/// context makes another organization's attachment a 404. Content comes from the database when stored, else
/// from Gmail through a connection that holds the message.
/// </summary>
internal static class AttachmentEndpoints
{
    private static readonly HashSet<string> InlineImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "image/png", "image/gif", "image/jpeg", "image/jpg", "image/webp", "image/bmp",
    };

    public static void MapAttachmentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/attachments").RequireAuthorization(EmailSyncClaims.MemberPolicy);
        group.MapGet("/{id:long}", DownloadAsync);
        group.MapGet("/{id:long}/inline", InlineAsync);
    }

    private static async Task<IResult> DownloadAsync(long id, HttpContext http, AttachmentContentService attachments, CancellationToken ct)
    {
        var result = await attachments.GetAsync(id, ct);
        Harden(http);
        if (!result.Succeeded)
        {
            return Failure(result);
        }

        // Always a download, never rendered in our origin (an HTML attachment must not run as the app).
        return Results.File(result.Content!, "application/octet-stream", string.IsNullOrWhiteSpace(result.FileName) ? "attachment" : result.FileName);
    }

    private static async Task<IResult> InlineAsync(long id, HttpContext http, AttachmentContentService attachments, CancellationToken ct)
    {
        var result = await attachments.GetAsync(id, ct);
        Harden(http);
        if (!result.Succeeded)
        {
            return Results.StatusCode(result.Failure == AttachmentFailure.NotFound ? 404 : 409);
        }

        if (!InlineImageTypes.Contains(result.ContentType))
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        http.Response.Headers.CacheControl = "private, max-age=3600";
        return Results.File(result.Content!, result.ContentType);
    }

    private static void Harden(HttpContext http)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
    }

    /// <summary>A small page that says why, in the tab the download opened (with the trace id to report).</summary>
    private static IResult Failure(AttachmentDownload result)
    {
        var status = result.Failure switch
        {
            AttachmentFailure.NotFound => StatusCodes.Status404NotFound,
            AttachmentFailure.ConnectionGone => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status502BadGateway,
        };
        var trace = result.TraceId is null ? "" : $"<p class=\"t\">Trace id <code>{WebUtility.HtmlEncode(result.TraceId)}</code></p>";
        var html = $"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Attachment not available · EmailSync</title>
            <style>body{"{"}font-family:system-ui,sans-serif;max-width:560px;margin:64px auto;padding:0 24px;color:#1b2430{"}"}h1{"{"}font-size:1.3rem{"}"}.t{"{"}color:#5b6676;font-size:.9rem{"}"}</style></head>
            <body><h1>Attachment not available</h1><p data-testid="attachment-error">{WebUtility.HtmlEncode(result.Message ?? "This attachment cannot be downloaded.")}</p>{trace}
            <p class="t">You can close this tab.</p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}
