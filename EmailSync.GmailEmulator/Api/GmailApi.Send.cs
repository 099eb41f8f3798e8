using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Mime;
using EmailSync.GmailEmulator.Model;
using EmailSync.GmailEmulator.OAuth;
using MimeKit;

namespace EmailSync.GmailEmulator.Api;

public sealed partial class GmailApi
{
    // ---------------- send ----------------

    private ApiResponse Send(ApiRequest req, Caller c)
    {
        byte[] raw;
        string? threadId = null;
        var isUpload = req.Path.StartsWith("/upload/", StringComparison.Ordinal);
        var contentType = req.ContentType ?? "";
        if (isUpload)
        {
            var uploadType = req.Q("uploadType") ?? "media";
            switch (uploadType)
            {
                case "media":
                    raw = req.Body;
                    break;
                case "multipart":
                    (raw, threadId) = ParseMultipartUpload(req);
                    break;
                case "resumable":
                    return StartUpload(req, c);
                default:
                    return GoogleErrors.BadRequest($"Invalid uploadType: {uploadType}. Use media, multipart or resumable.");
            }
        }
        else
        {
            if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && contentType.Length > 0)
            {
                return GoogleErrors.BadRequest("Expected a JSON body {raw, threadId}. Send message/rfc822 to /upload/gmail/v1/users/{userId}/messages/send.");
            }

            JsonNode? body;
            try
            {
                body = req.Body.Length == 0 ? null : JsonNode.Parse(req.Body);
            }
            catch (JsonException)
            {
                return GoogleErrors.BadRequest("Invalid JSON payload received.");
            }

            var rawText = body?["raw"]?.GetValue<string>();
            if (string.IsNullOrEmpty(rawText))
            {
                return GoogleErrors.Error(400, "'raw' RFC822 payload message string or uploading message via /upload/* URL required", "invalidArgument");
            }

            try
            {
                raw = Base64Url.Decode(rawText);
            }
            catch (FormatException)
            {
                return GoogleErrors.BadRequest("Invalid value for ByteString: raw");
            }

            threadId = body?["threadId"]?.GetValue<string>();
        }

        return SendBytes(c, raw, threadId);
    }

    private ApiResponse SendBytes(Caller c, byte[] raw, string? threadId)
    {
        if (raw.Length > MaxSendBytes)
        {
            return GoogleErrors.Error(413, "Request payload size exceeds the limit: 36700160 bytes.", "uploadTooLarge", "INVALID_ARGUMENT");
        }

        MimeMessage message;
        try
        {
            using var ms = new MemoryStream(raw, writable: false);
            message = MimeMessage.Load(ms);
        }
        catch (FormatException)
        {
            return GoogleErrors.BadRequest("Invalid RFC 2822 message.");
        }

        if (!message.To.Mailboxes.Any() && !message.Cc.Mailboxes.Any() && !message.Bcc.Mailboxes.Any())
        {
            return GoogleErrors.BadRequest("Recipient address required");
        }

        var changed = false;
        if (!message.From.Mailboxes.Any())
        {
            message.From.Add(new MailboxAddress(c.Mailbox.DisplayName, c.Mailbox.Address));
            changed = true;
        }

        if (string.IsNullOrEmpty(message.MessageId))
        {
            message.MessageId = $"{Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant()}@mail.gmail.com";
            changed = true;
        }

        if (!message.Headers.Contains(HeaderId.Date))
        {
            message.Date = time.GetUtcNow();
            changed = true;
        }

        if (changed)
        {
            using var outStream = new MemoryStream();
            var format = FormatOptions.Default.Clone();
            format.NewLineFormat = NewLineFormat.Dos;
            message.WriteTo(format, outStream);
            raw = outStream.ToArray();
        }

        var sent = store.Send(c.Mailbox, raw, threadId);
        string[] labels;
        lock (c.Mailbox.Sync)
        {
            labels = SortedLabels(sent);
        }

        return ApiResponse.Json(new JsonObject
        {
            ["id"] = sent.Id,
            ["threadId"] = sent.ThreadId,
            ["labelIds"] = new JsonArray(labels.Select(l => (JsonNode)l).ToArray()),
        });
    }

    private static (byte[] Raw, string? ThreadId) ParseMultipartUpload(ApiRequest req)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"Content-Type: {req.ContentType ?? "multipart/related"}\r\n\r\n"));
        ms.Write(req.Body);
        ms.Position = 0;
        var entity = MimeEntity.Load(ms);
        if (entity is not Multipart mp || mp.Count < 2)
        {
            throw new ApiException(GoogleErrors.BadRequest("Multipart upload needs a metadata part and a media part."));
        }

        string? threadId = null;
        var metadata = MimeView.Content(mp[0]);
        if (metadata.Length > 0)
        {
            try
            {
                threadId = JsonNode.Parse(metadata)?["threadId"]?.GetValue<string>();
            }
            catch (JsonException)
            {
                throw new ApiException(GoogleErrors.BadRequest("Invalid JSON metadata part."));
            }
        }

        return (MimeView.Content(mp[1]), threadId);
    }

    // ---------------- resumable upload (messages.send?uploadType=resumable) ----------------

    private sealed class UploadSession(string mailbox, string? threadId, long? total)
    {
        public string Mailbox { get; } = mailbox;
        public string? ThreadId { get; } = threadId;
        public long? Total { get; set; } = total;
        public MemoryStream Buffer { get; } = new();
    }

    private readonly ConcurrentDictionary<string, UploadSession> uploads = new(StringComparer.Ordinal);

    /// <summary>Starts a session: JSON metadata ({threadId}) in the body; answers 200 with the session URI in Location.</summary>
    private ApiResponse StartUpload(ApiRequest req, Caller c)
    {
        string? threadId = null;
        if (req.Body.Length > 0)
        {
            try
            {
                threadId = JsonNode.Parse(req.Body)?["threadId"]?.GetValue<string>();
            }
            catch (JsonException)
            {
                return GoogleErrors.BadRequest("Invalid JSON metadata.");
            }
        }

        long? total = req.Headers.TryGetValue("X-Upload-Content-Length", out var len) && long.TryParse(len, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var id = TokenService.Random("AUp", 24);
        uploads[id] = new UploadSession(c.Mailbox.Address, threadId, total);
        var response = ApiResponse.Empty(200);
        response.Headers.Add(new("Location", $"{req.PublicBase}{req.Path}?uploadType=resumable&upload_id={id}"));
        return response;
    }

    /// <summary>PUT of (a chunk of) the bytes, with Content-Range "bytes a-b/total" or "bytes */total"; 308 until complete.</summary>
    private ApiResponse ContinueUpload(ApiRequest req, Caller c, string uploadId)
    {
        if (!uploads.TryGetValue(uploadId, out var session) || session.Mailbox != c.Mailbox.Address)
        {
            return GoogleErrors.NotFound();
        }

        var range = req.Headers.GetValueOrDefault("Content-Range");
        long? total = session.Total;
        if (range is not null && range.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            var spec = range[6..];
            var slash = spec.IndexOf('/');
            var totalText = slash < 0 ? "*" : spec[(slash + 1)..];
            if (totalText != "*" && long.TryParse(totalText, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                total = session.Total = t;
            }

            var span = slash < 0 ? spec : spec[..slash];
            if (span != "*")
            {
                var dash = span.IndexOf('-');
                if (dash < 0 || !long.TryParse(span[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first) || first != session.Buffer.Length)
                {
                    return Resume(session);
                }

                session.Buffer.Write(req.Body);
            }
        }
        else
        {
            session.Buffer.Write(req.Body);
            total ??= session.Buffer.Length;
        }

        if (total is null || session.Buffer.Length < total)
        {
            return Resume(session);
        }

        uploads.TryRemove(uploadId, out _);
        return SendBytes(c, session.Buffer.ToArray(), session.ThreadId);
    }

    private static ApiResponse Resume(UploadSession session)
    {
        var r = ApiResponse.Empty(308);
        if (session.Buffer.Length > 0)
        {
            r.Headers.Add(new("Range", $"bytes=0-{session.Buffer.Length - 1}"));
        }

        return r;
    }
}
