using System.Text;
using MimeKit;

namespace EmailSync.Core.Mime;

/// <summary>What the body walk learned besides text and attachments.</summary>
internal sealed class BodyFacts
{
    public bool HasCalendar { get; set; }
    public bool IsReport { get; set; }
}

/// <summary>Walks the MIME tree once: picks the text and HTML bodies, lists attachments, notes calendar parts.</summary>
internal sealed class MimeBodyCollector(MimeParseOptions options, ParseWarnings warnings)
{
    private StringBuilder? _text;
    private StringBuilder? _html;
    private int _skippedAttachments;

    public List<ParsedAttachment> Attachments { get; } = [];
    public BodyFacts Facts { get; } = new();

    public string? Text { get; private set; }
    public string? Html { get; private set; }

    /// <summary>Walks the tree from <paramref name="root"/> and fills <see cref="Text"/>, <see cref="Html"/> and the rest.</summary>
    public void Run(MimeEntity? root)
    {
        Walk(root, 1);
        if (_skippedAttachments > 0)
        {
            warnings.Add($"{_skippedAttachments} attachments beyond {options.MaxAttachments} not listed");
        }

        Text = _text is null ? null : EmailParser.Truncate(_text.ToString(), options.MaxBodyChars, "text body", warnings);
        Html = _html is null ? null : EmailParser.Truncate(_html.ToString(), options.MaxBodyChars, "html body", warnings);
    }

    private void Walk(MimeEntity? entity, int depth)
    {
        if (entity is null)
        {
            return;
        }

        if (depth > options.MaxNestingDepth)
        {
            warnings.Add($"nesting capped at {options.MaxNestingDepth}");
            return;
        }

        try
        {
            switch (entity)
            {
                case Multipart multipart:
                    if (multipart.ContentType.IsMimeType("multipart", "report"))
                    {
                        Facts.IsReport = true;
                    }

                    if (multipart.Count == 0)
                    {
                        warnings.Add($"{multipart.ContentType.MimeType} without parts (missing or wrong boundary?)");
                        RecoverUnsplitContent(multipart);
                    }

                    foreach (var child in multipart)
                    {
                        Walk(child, depth + 1);
                    }

                    break;
                case MessagePart messagePart:
                    AddMessageAttachment(messagePart);
                    break;
                case MimePart part:
                    VisitPart(part);
                    break;
                default:
                    // message/partial and other exotic entities: list as opaque attachments.
                    AddAttachment(entity.ContentType.MimeType, FileNameFor(entity, null), null, entity.ContentId, false);
                    break;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            warnings.Add($"{entity.ContentType.MimeType} part skipped ({ex.GetType().Name})");
        }
    }

    private void VisitPart(MimePart part)
    {
        var contentType = part.ContentType;
        if (contentType.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase))
        {
            // MimeKit stops recursing at MaxMimeDepth and hands over the rest as an opaque leaf.
            warnings.Add($"nesting capped at {options.MaxNestingDepth}");
            return;
        }

        var isCalendar = contentType.IsMimeType("text", "calendar") || contentType.IsMimeType("application", "ics");
        if (isCalendar)
        {
            Facts.HasCalendar = true;
        }

        var fileName = part.FileName;
        var isBodyCandidate = part is TextPart && !part.IsAttachment && string.IsNullOrEmpty(fileName);
        if (isBodyCandidate && contentType.IsMimeType("text", "plain"))
        {
            AppendBody(ref _text, part, "text body");
            return;
        }

        if (isBodyCandidate && contentType.IsMimeType("text", "html"))
        {
            AppendBody(ref _html, part, "html body");
            return;
        }

        if (isCalendar && isBodyCandidate)
        {
            // The inline calendar alternative of an invitation: flagged, not an attachment.
            return;
        }

        if (isBodyCandidate && contentType.IsMimeType("text", "enriched"))
        {
            return;
        }

        var isInline = !part.IsAttachment
            && (part.ContentId is not null || string.Equals(part.ContentDisposition?.Disposition, ContentDisposition.Inline, StringComparison.OrdinalIgnoreCase));
        AddAttachment(contentType.MimeType, FileNameFor(part, fileName), part, part.ContentId, isInline);
    }

    private void AppendBody(ref StringBuilder? target, MimePart part, string what)
    {
        if (target is not null && target.Length >= options.MaxBodyChars)
        {
            // Thousands of inline text parts must not cost a decode each once the body is full.
            warnings.Add($"{what}: further inline parts skipped after {options.MaxBodyChars} chars");
            return;
        }

        var maxBytes = (long)options.MaxBodyChars * 4;
        var sink = new CappedBufferStream(maxBytes);
        part.Content?.DecodeTo(sink);
        var kept = sink.Kept;
        if (sink.Truncated)
        {
            kept = TrimIncompleteUtf8(kept);
            warnings.Add($"{what} truncated at {maxBytes} bytes (was {sink.TotalBytes})");
        }

        var text = CharsetRepair.Decode(kept, part.ContentType.Charset, out var warning);
        if (warning is not null)
        {
            warnings.Add($"{what}: {warning}");
        }

        var isPlain = part.ContentType.IsMimeType("text", "plain");
        if (isPlain)
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd();
        }

        if (isPlain && string.Equals(part.ContentType.Parameters["format"], "flowed", StringComparison.OrdinalIgnoreCase))
        {
            text = Unflow(text, string.Equals(part.ContentType.Parameters["delsp"], "yes", StringComparison.OrdinalIgnoreCase));
        }

        if (target is null)
        {
            target = new StringBuilder(text);
        }
        else if (target.Length < options.MaxBodyChars)
        {
            // A second inline part (Apple Mail splits the body around inline images): keep reading order.
            target.Append('\n').Append(text);
        }
    }

    /// <summary>
    /// A multipart whose boundary never appears holds its whole content as preamble: keep it as plain text
    /// so the message is not empty.
    /// </summary>
    private void RecoverUnsplitContent(Multipart multipart)
    {
        var preamble = multipart.Preamble;
        if (string.IsNullOrWhiteSpace(preamble) || _text is not null)
        {
            return;
        }

        var text = EmailParser.Clip(preamble, options.MaxBodyChars).Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (text.Length > 0)
        {
            _text = new StringBuilder(text);
            warnings.Add("body recovered as plain text from an unsplit multipart");
        }
    }

    private void AddMessageAttachment(MessagePart messagePart)
    {
        var name = messagePart.ContentDisposition?.FileName;
        if (string.IsNullOrWhiteSpace(name))
        {
            var subject = messagePart.Message?.Subject;
            name = (string.IsNullOrWhiteSpace(subject) ? "message" : subject) + ".eml";
        }

        if (Attachments.Count >= options.MaxAttachments)
        {
            _skippedAttachments++;
            return;
        }

        var keep = options.IncludeAttachmentContent ? options.MaxAttachmentBytesKept : 0;
        var sink = new CappedBufferStream(keep);
        messagePart.Message?.WriteTo(sink);
        var content = options.IncludeAttachmentContent && !sink.Truncated ? sink.ToArray() : null;
        Attachments.Add(new ParsedAttachment(SafeFileName(name), messagePart.ContentType.MimeType.ToLowerInvariant(), sink.TotalBytes,
            messagePart.ContentId, false, content));
    }

    private void AddAttachment(string mimeType, string fileName, MimePart? part, string? contentId, bool isInline)
    {
        if (Attachments.Count >= options.MaxAttachments)
        {
            _skippedAttachments++;
            return;
        }

        var keep = options.IncludeAttachmentContent ? options.MaxAttachmentBytesKept : 0;
        var sink = new CappedBufferStream(keep);
        part?.Content?.DecodeTo(sink);
        var content = options.IncludeAttachmentContent && !sink.Truncated ? sink.ToArray() : null;
        Attachments.Add(new ParsedAttachment(fileName, mimeType.ToLowerInvariant(), sink.TotalBytes, contentId, isInline, content));
    }

    private static string FileNameFor(MimeEntity entity, string? fileName)
    {
        if (!string.IsNullOrWhiteSpace(fileName))
        {
            return SafeFileName(fileName);
        }

        var mimeType = entity.ContentType.MimeType;
        if (entity.ContentType.IsMimeType("application", "ms-tnef"))
        {
            return "winmail.dat";
        }

        var extension = MimeTypes.TryGetExtension(mimeType, out var ext) ? ext : ".bin";
        return "untitled" + extension;
    }

    private static string SafeFileName(string name)
    {
        var value = name.Trim();
        var slash = value.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            value = value[(slash + 1)..];
        }

        value = string.Concat(value.Where(c => !char.IsControl(c)));
        if (value.Length == 0 || value is "." or "..")
        {
            value = "untitled.bin";
        }

        return value.Length > 255 ? value[..255] : value;
    }

    private static ReadOnlySpan<byte> TrimIncompleteUtf8(ReadOnlySpan<byte> bytes)
    {
        // Walk back over at most 3 continuation bytes to the lead byte; drop the sequence if it is incomplete.
        var i = bytes.Length - 1;
        var continuation = 0;
        while (i >= 0 && continuation < 3 && (bytes[i] & 0xC0) == 0x80)
        {
            i--;
            continuation++;
        }

        if (i < 0)
        {
            return bytes;
        }

        var lead = bytes[i];
        var needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return needed > continuation ? bytes[..i] : bytes;
    }

    /// <summary>Undoes format=flowed (RFC 3676) soft line breaks.</summary>
    private static string Unflow(string text, bool delSp)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith(' '))
            {
                line = line[1..]; // space-stuffing
            }

            var soft = line.EndsWith(' ') && line != "-- " && i < lines.Length - 1;
            if (soft && delSp)
            {
                line = line[..^1];
            }

            sb.Append(line);
            if (!soft)
            {
                sb.Append('\n');
            }
        }

        return sb.ToString().TrimEnd('\n');
    }
}
