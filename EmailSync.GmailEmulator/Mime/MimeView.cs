using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EmailSync.GmailEmulator.Model;
using MimeKit;

namespace EmailSync.GmailEmulator.Mime;

/// <summary>A parsed message plus its top-level header block in original order.</summary>
public sealed class ParsedMessage(MimeMessage message, HeaderList topHeaders)
{
    public MimeMessage Message { get; } = message;

    public HeaderList TopHeaders { get; } = topHeaders;

    public static ParsedMessage Parse(byte[] raw)
    {
        using var stream = new MemoryStream(raw, writable: false);
        var message = MimeMessage.Load(stream);
        stream.Position = 0;
        var headers = HeaderList.Load(stream);
        return new ParsedMessage(message, headers);
    }
}

/// <summary>Gmail's MessagePart tree, snippets and attachment look-ups for a MIME message.</summary>
public static partial class MimeView
{
    /// <summary>Builds <c>payload</c>: partId, mimeType, filename, headers, body, parts.</summary>
    /// <param name="attachmentId">Makes an attachment id for a part id.</param>
    /// <param name="headerFilter">Only these headers (metadata format); null = all.</param>
    /// <param name="includeBodies">False for metadata format (headers only, no body, no parts).</param>
    public static JsonObject Payload(ParsedMessage parsed, Func<string, string> attachmentId, ISet<string>? headerFilter, bool includeBodies)
    {
        var root = parsed.Message.Body;
        if (!includeBodies)
        {
            var top = new JsonObject
            {
                ["partId"] = "",
                ["mimeType"] = root?.ContentType.MimeType.ToLowerInvariant() ?? "text/plain",
                ["filename"] = "",
            };
            var headers = Headers(parsed.TopHeaders, headerFilter);
            if (headers.Count > 0)
            {
                top["headers"] = headers;
            }

            return top;
        }

        return Part(root, "", parsed.TopHeaders, attachmentId, headerFilter);
    }

    private static JsonObject Part(MimeEntity? entity, string partId, HeaderList? headerOverride, Func<string, string> attachmentId, ISet<string>? headerFilter)
    {
        var node = new JsonObject { ["partId"] = partId };
        if (entity is null)
        {
            node["mimeType"] = "text/plain";
            node["filename"] = "";
            node["body"] = new JsonObject { ["size"] = 0 };
            return node;
        }

        node["mimeType"] = entity.ContentType.MimeType.ToLowerInvariant();
        var filename = FileName(entity);
        node["filename"] = filename ?? "";
        var headers = Headers(headerOverride ?? entity.Headers, headerFilter);
        if (headers.Count > 0)
        {
            node["headers"] = headers;
        }

        switch (entity)
        {
            case Multipart multipart:
                node["body"] = new JsonObject { ["size"] = 0 };
                var parts = new JsonArray();
                for (var i = 0; i < multipart.Count; i++)
                {
                    var childId = partId.Length == 0 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{partId}.{i}";
                    parts.Add(Part(multipart[i], childId, null, attachmentId, headerFilter));
                }

                if (parts.Count > 0)
                {
                    node["parts"] = parts;
                }

                break;
            default:
                var bytes = Content(entity);
                if (filename is not null || entity is MessagePart)
                {
                    node["body"] = new JsonObject { ["attachmentId"] = attachmentId(partId), ["size"] = bytes.Length };
                }
                else
                {
                    var body = new JsonObject { ["size"] = bytes.Length };
                    if (bytes.Length > 0)
                    {
                        body["data"] = Base64Url.Encode(bytes, pad: false);
                    }

                    node["body"] = body;
                }

                break;
        }

        return node;
    }

    private static JsonArray Headers(HeaderList list, ISet<string>? filter)
    {
        var arr = new JsonArray();
        foreach (var h in list)
        {
            if (filter is not null && !filter.Contains(h.Field))
            {
                continue;
            }

            arr.Add(new JsonObject { ["name"] = h.Field, ["value"] = h.Value.Trim() });
        }

        return arr;
    }

    public static string? FileName(MimeEntity entity)
    {
        var name = entity switch
        {
            MimePart p => p.FileName,
            _ => entity.ContentDisposition?.FileName ?? entity.ContentType.Name,
        };
        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>The decoded content of a leaf part (a message/rfc822 part: its bytes).</summary>
    public static byte[] Content(MimeEntity entity)
    {
        using var ms = new MemoryStream();
        switch (entity)
        {
            case MimePart part when part.Content is not null:
                part.Content.DecodeTo(ms);
                break;
            case MessagePart mp when mp.Message is not null:
                mp.Message.WriteTo(ms);
                break;
        }

        return ms.ToArray();
    }

    /// <summary>The entity with this Gmail part id ("" = root, "1.0" = first child of the second child).</summary>
    public static MimeEntity? FindPart(ParsedMessage parsed, string partId)
    {
        var entity = parsed.Message.Body;
        if (partId.Length == 0)
        {
            return entity;
        }

        foreach (var seg in partId.Split('.'))
        {
            if (entity is not Multipart mp || !int.TryParse(seg, out var i) || i < 0 || i >= mp.Count)
            {
                return null;
            }

            entity = mp[i];
        }

        return entity;
    }

    /// <summary>Plain text of a message: the first text/plain part, else the first text/html part without tags.</summary>
    public static string BodyText(MimeMessage message)
    {
        string? plain = null;
        string? html = null;
        foreach (var part in message.BodyParts.OfType<TextPart>())
        {
            if (part.IsAttachment)
            {
                continue;
            }

            if (plain is null && part.IsPlain)
            {
                plain = part.Text;
            }
            else if (html is null && part.IsHtml)
            {
                html = part.Text;
            }
        }

        return plain ?? (html is null ? "" : StripHtml(html));
    }

    public static string StripHtml(string html)
    {
        var noScript = ScriptOrStyle().Replace(html, " ");
        var noTags = Tag().Replace(noScript, " ");
        return WebUtility.HtmlDecode(noTags);
    }

    /// <summary>Gmail-like snippet: the start of the body, whitespace collapsed, HTML-escaped.</summary>
    public static string Snippet(string body)
    {
        var sb = new StringBuilder(210);
        var space = false;
        foreach (var ch in body)
        {
            if (char.IsWhiteSpace(ch))
            {
                space = sb.Length > 0;
                continue;
            }

            if (sb.Length >= 200)
            {
                break;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(ch);
        }

        return WebUtility.HtmlEncode(sb.ToString());
    }

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}

/// <summary>Builds the <see cref="SearchDoc"/> of raw bytes.</summary>
public static class MessageIndexer
{
    public static SearchDoc Index(byte[] raw)
    {
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            message = MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            return new SearchDoc { From = [], To = [], Cc = [], Bcc = [], DeliveredTo = [], Subject = "", Body = "", Filenames = [] };
        }

        return Index(message);
    }

    public static SearchDoc Index(MimeMessage message)
    {
        static AddressInfo[] Addresses(InternetAddressList list) =>
            list.Mailboxes.Select(m => AddressInfo.Parse(m.Address, m.Name)).ToArray();

        var delivered = message.Headers
            .Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase))
            .Select(h => AddressInfo.Parse(h.Value.Trim().Trim('<', '>')))
            .ToArray();
        var files = message.BodyParts
            .Select(MimeView.FileName)
            .OfType<string>()
            .ToArray();
        return new SearchDoc
        {
            From = Addresses(message.From),
            To = Addresses(message.To),
            Cc = Addresses(message.Cc),
            Bcc = Addresses(message.Bcc),
            DeliveredTo = delivered,
            Subject = message.Subject ?? "",
            Body = MimeView.BodyText(message),
            Filenames = files,
            MessageIdHeader = message.MessageId,
            InReplyTo = message.InReplyTo,
            References = message.References.ToArray(),
        };
    }
}
