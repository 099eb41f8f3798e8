using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EmailSync.Core.Mime;

/// <summary>
/// Parses raw RFC 822 messages with MimeKit into <see cref="ParsedEmail"/>. Thread-safe and stateless; never
/// throws on bad input: whatever was repaired, capped or skipped is listed in <see cref="ParsedEmail.Warnings"/>.
/// </summary>
public sealed class EmailParser(IOptions<MimeParseOptions> defaults) : IEmailParser
{
    private const int MaxReferences = 100;
    private const int MaxSubjectChars = 2000;
    private const int MaxSnippetChars = 200;
    private const string SyntheticIdDomain = "synthetic.emailsync.invalid";

    private static readonly ConcurrentDictionary<int, ParserOptions> ParserOptionsByDepth = new();

    /// <summary>Headers that differ between copies of one message in different mailboxes; left out of synthetic ids.</summary>
    private static readonly HashSet<string> TraceHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Received", "Return-Path", "Delivered-To", "X-Received", "X-Original-To", "Authentication-Results",
        "Received-SPF", "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "X-Gm-Message-State",
        "X-Google-Smtp-Source", "X-Gm-Gg", "X-Gm-Features", "X-Forwarded-To", "X-Forwarded-For", "Envelope-To",
    };

    private static readonly string[] NoReplyPrefixes =
        ["noreply", "no-reply", "no_reply", "no.reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "postmaster"];

    private static readonly string[] BounceLocalParts = ["bounce", "bounces"];

    public EmailParser()
        : this(Options.Create(new MimeParseOptions()))
    {
    }

    public ParsedEmail Parse(Stream raw, MimeParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        using var buffer = raw.CanSeek ? new MemoryStream((int)Math.Min(raw.Length - raw.Position, int.MaxValue)) : new MemoryStream();
        raw.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), options);
    }

    public ParsedEmail Parse(ReadOnlyMemory<byte> raw, MimeParseOptions? options = null)
    {
        options ??= defaults.Value;
        var warnings = new ParseWarnings();
        try
        {
            return ParseCore(raw, options, warnings);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Last resort: MimeKit is lenient, so this is rare (e.g. an exotic header value crashing a getter).
            warnings.Add($"message could not be parsed ({ex.GetType().Name}: {Clip(ex.Message, 200)}); only an id was recovered");
            return new ParsedEmail
            {
                MessageId = SyntheticId(raw.Span),
                MessageIdSynthesised = true,
                Warnings = warnings.ToList(),
            };
        }
    }

    private static ParsedEmail ParseCore(ReadOnlyMemory<byte> raw, MimeParseOptions options, ParseWarnings warnings)
    {
        var bytes = CapHeaderBlock(raw, options.MaxHeaderBytes, warnings, out var bodyOffset);
        if (!MemoryMarshal.TryGetArray(bytes, out var segment))
        {
            segment = new ArraySegment<byte>(bytes.ToArray());
        }

        var headerBlock = bytes.Span[..bodyOffset];
        if (CharsetRepair.NeedsFallback(headerBlock))
        {
            warnings.Add("8-bit header bytes are not valid UTF-8; decoded as windows-1252");
        }

        MimeMessage message;
        using (var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false, publiclyVisible: true))
        {
            var parser = new MimeParser(GetParserOptions(options.MaxNestingDepth), stream, persistent: true);
            try
            {
                message = parser.ParseMessage();
            }
            catch (FormatException)
            {
                warnings.Add("no parsable message headers; content kept as plain text");
                var text = Truncate(CharsetRepair.Decode(bytes.Span, null, out _), options.MaxBodyChars, "text body", warnings);
                return Build(null, bytes, bodyOffset, text, null, [], new BodyFacts(), options, warnings);
            }

            var collector = new MimeBodyCollector(options, warnings);
            collector.Run(message.Body);
            return Build(message, bytes, bodyOffset, collector.Text, collector.Html, collector.Attachments, collector.Facts, options, warnings);
        }
    }

    /// <summary>Assembles the result; <paramref name="message"/> is null when MimeKit found no headers at all.</summary>
    private static ParsedEmail Build(
        MimeMessage? message,
        ReadOnlyMemory<byte> bytes,
        int bodyOffset,
        string? text,
        string? html,
        List<ParsedAttachment> attachments,
        BodyFacts facts,
        MimeParseOptions options,
        ParseWarnings warnings)
    {
        var headers = message?.Headers ?? [];

        var messageId = CleanId(message?.MessageId);
        var synthesised = false;
        if (messageId is null)
        {
            messageId = message is null ? SyntheticId(bytes.Span) : SyntheticId(message, bytes.Span, bodyOffset);
            synthesised = true;
            warnings.Add("missing Message-ID; synthesised from a hash of the message");
        }

        var date = ReadDate(message, headers, warnings);

        var references = new List<string>();
        foreach (var reference in message?.References ?? [])
        {
            if (references.Count >= MaxReferences)
            {
                warnings.Add($"References capped at {MaxReferences}");
                break;
            }

            if (CleanId(reference) is { } id)
            {
                references.Add(id);
            }
        }

        string textBody;
        string forStripping;
        if (text is not null)
        {
            textBody = text;
            forStripping = text;
        }
        else if (html is not null)
        {
            forStripping = HtmlToText.Convert(html, markContainers: true, options.MaxBodyChars);
            textBody = HtmlToText.RemoveMarkers(forStripping);
        }
        else
        {
            textBody = "";
            forStripping = "";
        }

        var stripped = QuoteStripper.Strip(forStripping);
        var removed = stripped.Signature.Length == 0
            ? stripped.QuotedText
            : stripped.QuotedText.Length == 0 ? stripped.Signature : stripped.Signature + "\n\n" + stripped.QuotedText;

        var from = Addresses(message?.From, headers, HeaderId.From, warnings);
        return new ParsedEmail
        {
            MessageId = messageId,
            MessageIdSynthesised = synthesised,
            InReplyTo = CleanId(message?.InReplyTo),
            References = references,
            Subject = Clip(message?.Subject ?? "", MaxSubjectChars),
            Date = date,
            From = from,
            To = Addresses(message?.To, headers, HeaderId.To, warnings),
            Cc = Addresses(message?.Cc, headers, HeaderId.Cc, warnings),
            Bcc = Addresses(message?.Bcc, headers, HeaderId.Bcc, warnings),
            ReplyTo = Addresses(message?.ReplyTo, headers, HeaderId.ReplyTo, warnings),
            TextBody = textBody,
            HtmlBody = html,
            NewText = stripped.NewText,
            QuotedText = removed,
            Snippet = Snippet(stripped.NewText.Length > 0 ? stripped.NewText : textBody),
            Attachments = attachments,
            IsBulk = IsBulk(headers),
            IsAutomated = facts.IsReport || (message is not null && IsAutomated(message, from)),
            IsCalendarInvite = facts.HasCalendar,
            Warnings = warnings.ToList(),
        };
    }

    /// <summary>
    /// The Date header; when it is missing or unparsable, the time the first (newest) Received header records,
    /// which is when the message reached the mailbox; else null.
    /// </summary>
    private static DateTimeOffset? ReadDate(MimeMessage? message, HeaderList headers, ParseWarnings warnings)
    {
        if (message is not null && headers.Contains(HeaderId.Date))
        {
            if (message.Date != DateTimeOffset.MinValue)
            {
                return message.Date;
            }

            warnings.Add("unparsable Date header");
        }
        else
        {
            warnings.Add("missing Date header");
        }

        var received = headers[HeaderId.Received];
        var semicolon = received?.LastIndexOf(';') ?? -1;
        if (received is not null && semicolon >= 0 && MimeKit.Utils.DateUtils.TryParse(received[(semicolon + 1)..].Trim(), out var when))
        {
            warnings.Add("date taken from the Received header");
            return when;
        }

        return null;
    }

    // ---- header block ----

    /// <summary>
    /// Finds the end of the top-level header block and, when it is longer than <paramref name="maxHeaderBytes"/>,
    /// rebuilds the message with the header cut at a line boundary followed by the original body.
    /// </summary>
    private static ReadOnlyMemory<byte> CapHeaderBlock(ReadOnlyMemory<byte> raw, int maxHeaderBytes, ParseWarnings warnings, out int bodyOffset)
    {
        var span = raw.Span;
        var headerEnd = FindHeaderEnd(span, out var bodyStart);
        if (headerEnd <= maxHeaderBytes)
        {
            bodyOffset = bodyStart;
            return raw;
        }

        var cut = span[..maxHeaderBytes].LastIndexOf((byte)'\n');
        cut = cut < 0 ? 0 : cut + 1;
        // Do not keep a folded continuation line without its start: drop back to a line that starts a field.
        var body = bodyStart < span.Length ? span[bodyStart..] : [];
        var rebuilt = new byte[cut + 2 + body.Length];
        span[..cut].CopyTo(rebuilt);
        rebuilt[cut] = (byte)'\r';
        rebuilt[cut + 1] = (byte)'\n';
        body.CopyTo(rebuilt.AsSpan(cut + 2));
        warnings.Add($"header block truncated at {maxHeaderBytes} bytes (was {headerEnd})");
        bodyOffset = cut + 2;
        return rebuilt;
    }

    /// <summary>Length of the header block (up to the blank line) and the offset where the body starts.</summary>
    private static int FindHeaderEnd(ReadOnlySpan<byte> span, out int bodyStart)
    {
        var i = 0;
        while (i < span.Length)
        {
            var nl = span[i..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                break;
            }

            var lineEnd = i + nl;
            var next = lineEnd + 1;
            if (next < span.Length && span[next] == (byte)'\n')
            {
                bodyStart = next + 1;
                return next;
            }

            if (next + 1 < span.Length && span[next] == (byte)'\r' && span[next + 1] == (byte)'\n')
            {
                bodyStart = next + 2;
                return next;
            }

            i = next;
        }

        bodyStart = span.Length;
        return span.Length;
    }

    private static ParserOptions GetParserOptions(int maxDepth) =>
        ParserOptionsByDepth.GetOrAdd(Math.Clamp(maxDepth, 2, 256), depth =>
        {
            var parserOptions = ParserOptions.Default.Clone();
            parserOptions.MaxMimeDepth = depth;
            parserOptions.CharsetEncoding = CharsetRepair.Windows1252;
            parserOptions.AddressParserComplianceMode = RfcComplianceMode.Loose;
            parserOptions.ParameterComplianceMode = RfcComplianceMode.Loose;
            parserOptions.Rfc2047ComplianceMode = RfcComplianceMode.Loose;
            parserOptions.AllowAddressesWithoutDomain = false;
            return parserOptions;
        });

    // ---- addresses ----

    private static List<EmailAddress> Addresses(InternetAddressList? list, HeaderList headers, HeaderId id, ParseWarnings warnings)
    {
        if (list is null)
        {
            return [];
        }

        var result = new List<EmailAddress>(list.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mailbox in list.Mailboxes)
        {
            var address = mailbox.Address?.Trim().ToLowerInvariant() ?? "";
            if (!IsPlausibleAddress(address))
            {
                warnings.Add($"invalid address '{Clip(mailbox.ToString(), 80)}' in {id.ToHeaderName()} skipped");
                continue;
            }

            if (!seen.Add(address))
            {
                continue;
            }

            var name = mailbox.Name?.Trim();
            if (string.IsNullOrEmpty(name) || string.Equals(name, address, StringComparison.OrdinalIgnoreCase))
            {
                name = null;
            }

            result.Add(new EmailAddress(address, name is null ? null : Clip(name, 256)));
        }

        if (list.Count == 0 && headers.Contains(id) && !string.IsNullOrWhiteSpace(headers[id]))
        {
            // An empty group ("undisclosed-recipients:;") is not an error.
            if (headers[id] is { } value && !value.TrimEnd().EndsWith(';'))
            {
                warnings.Add($"unparsable {id.ToHeaderName()} header");
            }
        }

        return result;
    }

    private static bool IsPlausibleAddress(string address)
    {
        if (address.Length is < 3 or > 320)
        {
            return false;
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return false;
        }

        foreach (var ch in address)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch) || ch is '<' or '>' or ',' or ';')
            {
                return false;
            }
        }

        var domain = address.AsSpan(at + 1);
        return !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..", StringComparison.Ordinal);
    }

    // ---- flags ----

    private static bool IsBulk(HeaderList headers)
    {
        if (headers.Contains(HeaderId.ListUnsubscribe) || headers.Contains(HeaderId.ListId))
        {
            return true;
        }

        var precedence = headers[HeaderId.Precedence]?.Trim();
        return precedence is not null && (precedence.Equals("bulk", StringComparison.OrdinalIgnoreCase)
            || precedence.Equals("list", StringComparison.OrdinalIgnoreCase)
            || precedence.Equals("junk", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsAutomated(MimeMessage message, List<EmailAddress> from)
    {
        var headers = message.Headers;
        var autoSubmitted = headers["Auto-Submitted"]?.Trim();
        if (!string.IsNullOrEmpty(autoSubmitted) && !autoSubmitted.StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var name in (ReadOnlySpan<string>)["X-Autoreply", "X-Autorespond", "X-AutoReply-From", "X-Autogenerated", "X-Auto-Reply", "X-Mail-Autoreply", "X-FC-MachineGenerated"])
        {
            if (headers.Contains(name))
            {
                return true;
            }
        }

        var precedence = headers[HeaderId.Precedence]?.Trim();
        if (precedence is not null && precedence.Equals("auto_reply", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var returnPath = headers[HeaderId.ReturnPath]?.Trim();
        if (returnPath is "<>")
        {
            return true;
        }

        foreach (var address in from)
        {
            if (IsNoReply(address.Address))
            {
                return true;
            }
        }

        return message.Sender is { } sender && IsNoReply(sender.Address?.ToLowerInvariant() ?? "");
    }

    private static bool IsNoReply(string address)
    {
        var at = address.IndexOf('@');
        var local = at < 0 ? address : address[..at];
        foreach (var prefix in NoReplyPrefixes)
        {
            if (local.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return Array.IndexOf(BounceLocalParts, local) >= 0;
    }

    // ---- ids and text helpers ----

    private static string? CleanId(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        var value = id.Trim().Trim('<', '>').Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (value.Any(char.IsWhiteSpace))
        {
            value = string.Concat(value.Where(c => !char.IsWhiteSpace(c)));
        }

        return value.Length > 995 ? value[..995] : value;
    }

    /// <summary>
    /// A stable id for a message without Message-ID: a hash of its header fields (except per-mailbox trace
    /// headers such as Received and Delivered-To, so two mailboxes' copies agree) and its body bytes.
    /// </summary>
    private static string SyntheticId(MimeMessage message, ReadOnlySpan<byte> bytes, int bodyOffset)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var header in message.Headers)
        {
            if (TraceHeaders.Contains(header.Field))
            {
                continue;
            }

            hash.AppendData(Encoding.ASCII.GetBytes(header.Field.ToLowerInvariant()));
            hash.AppendData(":"u8);
            hash.AppendData(header.RawValue);
        }

        hash.AppendData("\n\n"u8);
        if (bodyOffset < bytes.Length)
        {
            hash.AppendData(bytes[bodyOffset..]);
        }

        return FormatSyntheticId(hash.GetHashAndReset());
    }

    private static string SyntheticId(ReadOnlySpan<byte> bytes) => FormatSyntheticId(SHA256.HashData(bytes));

    private static string FormatSyntheticId(byte[] digest) =>
        Convert.ToHexStringLower(digest.AsSpan(0, 20)) + "@" + SyntheticIdDomain;

    internal static string Truncate(string text, int maxChars, string what, ParseWarnings warnings)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        warnings.Add($"{what} truncated at {maxChars} chars");
        var cut = maxChars;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut];
    }

    private static string Snippet(string text)
    {
        var sb = new StringBuilder(MaxSnippetChars + 8);
        var pendingSpace = false;
        foreach (var ch in text)
        {
            if (char.IsWhiteSpace(ch) || ch is HtmlToText.QuoteMarker or HtmlToText.SignatureMarker)
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(ch);
            if (sb.Length > MaxSnippetChars)
            {
                var cut = sb.ToString(0, MaxSnippetChars);
                var space = cut.LastIndexOf(' ');
                if (space > MaxSnippetChars * 3 / 4)
                {
                    cut = cut[..space];
                }

                return cut.TrimEnd() + "…";
            }
        }

        return sb.ToString();
    }

    internal static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
