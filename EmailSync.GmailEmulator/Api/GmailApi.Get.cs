using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Mime;
using EmailSync.GmailEmulator.Model;
using MimeKit;

namespace EmailSync.GmailEmulator.Api;

public sealed partial class GmailApi
{
    // ---------------- messages.get / threads.get ----------------

    private ApiResponse GetMessage(ApiRequest req, Caller c, string id)
    {
        var format = (req.Q("format") ?? "full").ToLowerInvariant();
        if (format is not ("minimal" or "metadata" or "full" or "raw"))
        {
            return GoogleErrors.BadRequest($"Invalid value at 'format' ({format})", "invalidParameter");
        }

        CheckFormatAllowed(c, format);
        StoredMessage? m;
        string[] labels;
        long historyId;
        lock (c.Mailbox.Sync)
        {
            m = c.Mailbox.Find(id);
            if (m is null)
            {
                return GoogleErrors.NotFound();
            }

            labels = SortedLabels(m);
            historyId = m.HistoryId;
        }

        return ApiResponse.Json(MessageJson(m, labels, historyId, format, MetadataHeaders(req)));
    }

    private static void CheckFormatAllowed(Caller c, string format)
    {
        if (c.MetadataOnly && format is "full" or "raw")
        {
            throw new ApiException(GoogleErrors.Error(403, $"Metadata scope doesn't allow format {format.ToUpperInvariant()}", "forbidden", "PERMISSION_DENIED"));
        }
    }

    private static HashSet<string>? MetadataHeaders(ApiRequest req) =>
        req.Query.TryGetValue("metadataHeaders", out var h) && h.Count > 0
            ? new HashSet<string>(h.SelectMany(x => (x ?? "").Split(',')).Select(x => x.Trim()).Where(x => x.Length > 0), StringComparer.OrdinalIgnoreCase)
            : null;

    private static string[] SortedLabels(StoredMessage m)
    {
        var arr = m.Labels.ToArray();
        Array.Sort(arr, StringComparer.Ordinal);
        return arr;
    }

    private JsonObject MessageJson(StoredMessage m, string[] labels, long historyId, string format, HashSet<string>? metadataHeaders)
    {
        var o = new JsonObject { ["id"] = m.Id, ["threadId"] = m.ThreadId };
        if (labels.Length > 0)
        {
            var arr = new JsonArray();
            foreach (var l in labels)
            {
                arr.Add(l);
            }

            o["labelIds"] = arr;
        }

        o["snippet"] = m.Content.Doc.Snippet;
        o["sizeEstimate"] = m.Content.Size;
        o["historyId"] = Str(historyId);
        o["internalDate"] = Str(m.InternalDate);
        switch (format)
        {
            case "raw":
                o["raw"] = store.Cache.GetOrAdd(m.Content, 1, () => Base64Url.Encode(m.Content.GetRaw(), pad: true), s => s.Length);
                break;
            case "metadata":
                o["payload"] = MetadataPayload(m.Content.GetRaw(), metadataHeaders);
                break;
            case "full":
                var parsed = ParsedMessage.Parse(m.Content.GetRaw());
                o["payload"] = MimeView.Payload(parsed, partId => NewAttachmentId(m.Id, partId), null, includeBodies: true);
                break;
        }

        return o;
    }

    private static JsonObject MetadataPayload(byte[] raw, HashSet<string>? filter)
    {
        using var stream = new MemoryStream(raw, writable: false);
        var headers = HeaderList.Load(stream);
        var contentType = headers[HeaderId.ContentType];
        var mime = contentType is null ? "text/plain" : ContentType.TryParse(contentType, out var ct) ? ct.MimeType.ToLowerInvariant() : "text/plain";
        var o = new JsonObject { ["partId"] = "", ["mimeType"] = mime, ["filename"] = "" };
        var arr = new JsonArray();
        foreach (var h in headers)
        {
            if (filter is null || filter.Contains(h.Field))
            {
                arr.Add(new JsonObject { ["name"] = h.Field, ["value"] = h.Value.Trim() });
            }
        }

        if (arr.Count > 0)
        {
            o["headers"] = arr;
        }

        return o;
    }

    /// <summary>Attachment ids are opaque and differ on every call, like Gmail's; they encode the part id.</summary>
    private static string NewAttachmentId(string messageId, string partId)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var payload = Encoding.UTF8.GetBytes($"{messageId}|{partId}");
        return "ANGjdJ" + Base64Url.Encode([.. nonce, .. payload], pad: false);
    }

    private static (string MessageId, string PartId)? ParseAttachmentId(string attachmentId)
    {
        if (!attachmentId.StartsWith("ANGjdJ", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var bytes = Base64Url.Decode(attachmentId[6..]);
            if (bytes.Length <= 12)
            {
                return null;
            }

            var text = Encoding.UTF8.GetString(bytes, 12, bytes.Length - 12);
            var bar = text.IndexOf('|');
            return bar < 0 ? null : (text[..bar], text[(bar + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private ApiResponse GetAttachment(Caller c, string messageId, string attachmentId)
    {
        if (c.MetadataOnly)
        {
            return GoogleErrors.Error(403, "Metadata scope doesn't allow attachment access", "forbidden", "PERMISSION_DENIED");
        }

        StoredMessage? m;
        lock (c.Mailbox.Sync)
        {
            m = c.Mailbox.Find(messageId);
        }

        var parsedId = ParseAttachmentId(attachmentId);
        if (m is null || parsedId is null || parsedId.Value.MessageId != messageId)
        {
            return parsedId is null && m is not null ? GoogleErrors.BadRequest("Invalid attachment token") : GoogleErrors.NotFound();
        }

        var part = MimeView.FindPart(ParsedMessage.Parse(m.Content.GetRaw()), parsedId.Value.PartId);
        if (part is null or Multipart)
        {
            return GoogleErrors.NotFound();
        }

        var bytes = MimeView.Content(part);
        return ApiResponse.Json(new JsonObject { ["size"] = bytes.Length, ["data"] = Base64Url.Encode(bytes, pad: false) });
    }

    private ApiResponse GetThread(ApiRequest req, Caller c, string id)
    {
        var format = (req.Q("format") ?? "full").ToLowerInvariant();
        if (format is not ("minimal" or "metadata" or "full"))
        {
            return GoogleErrors.BadRequest($"Invalid value at 'format' ({format})", "invalidParameter");
        }

        CheckFormatAllowed(c, format);
        List<(StoredMessage M, string[] Labels, long HistoryId)> items;
        lock (c.Mailbox.Sync)
        {
            var thread = c.Mailbox.Thread(id);
            if (thread is null || thread.Count == 0)
            {
                return GoogleErrors.NotFound();
            }

            items = thread.Select(m => (m, SortedLabels(m), m.HistoryId)).ToList();
        }

        var headers = MetadataHeaders(req);
        var arr = new JsonArray();
        foreach (var (m, labels, hid) in items)
        {
            arr.Add(MessageJson(m, labels, hid, format, headers));
        }

        return ApiResponse.Json(new JsonObject
        {
            ["id"] = id,
            ["snippet"] = items[^1].M.Content.Doc.Snippet,
            ["historyId"] = Str(items.Max(x => x.HistoryId)),
            ["messages"] = arr,
        });
    }
}
