using System.Text;
using EmailSync.GmailEmulator.Model;
using MimeKit.Text;
using MimeKit.Utils;

namespace EmailSync.GmailEmulator.Corpus;

public sealed record Person(string Name, string Address);

internal sealed record AttachmentSpec(string FileName, string MimeType, Func<byte[]> Make);

internal sealed record CalendarSpec(string Uid, string Summary, DateTimeOffset Start);

/// <summary>Everything needed to render one generated message; rendering is deterministic.</summary>
internal sealed class MessageSpec
{
    public required Person From { get; init; }
    public Person[] To { get; init; } = [];
    public Person[] Cc { get; init; } = [];
    public Person[] Bcc { get; init; } = [];
    public string? DeliveredTo { get; init; }
    public required string Subject { get; init; }
    public required string Body { get; init; }
    public bool Html { get; init; }
    public required DateTimeOffset Date { get; init; }
    public required string MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public string[] References { get; init; } = [];
    public AttachmentSpec[] Attachments { get; init; } = [];
    public string? ListUnsubscribe { get; init; }
    public bool AutoSubmitted { get; init; }
    public CalendarSpec? Calendar { get; init; }
    public required string Lang { get; init; }
    public required ulong Hash { get; init; }
}

/// <summary>A generated message: search sees the spec directly; bytes are rendered on demand and cached.</summary>
internal sealed class GeneratedContent(MessageSpec spec, RenderCache cache) : MessageContent
{
    private readonly SearchDoc doc = new()
    {
        From = [AddressInfo.Parse(spec.From.Address, spec.From.Name)],
        To = spec.To.Select(p => AddressInfo.Parse(p.Address, p.Name)).ToArray(),
        Cc = spec.Cc.Select(p => AddressInfo.Parse(p.Address, p.Name)).ToArray(),
        Bcc = spec.Bcc.Select(p => AddressInfo.Parse(p.Address, p.Name)).ToArray(),
        DeliveredTo = spec.DeliveredTo is null ? [] : [AddressInfo.Parse(spec.DeliveredTo)],
        Subject = spec.Subject,
        Body = spec.Body,
        Filenames = spec.Attachments.Select(a => a.FileName).Concat(spec.Calendar is null ? [] : ["invite.ics"]).ToArray(),
        MessageIdHeader = spec.MessageId,
        InReplyTo = spec.InReplyTo,
        References = spec.References,
    };

    public MessageSpec Spec => spec;

    public override SearchDoc Doc => doc;

    public override byte[] GetRaw() => cache.GetOrAdd(this, 0, () => Render(spec), b => b.LongLength);

    public override int Size => GetRaw().Length;

    /// <summary>
    /// Writes the message as RFC 5322 / MIME text with CRLF line ends. The header and part layout is written
    /// directly and the encodings come from MimeKit (RFC 2047 words, quoted-printable, dates): MimeKit's
    /// object model costs far more per message than the rest of a format=raw call, and a backfill of a
    /// 100,000-message mailbox renders every message once.
    /// </summary>
    public static byte[] Render(MessageSpec spec)
    {
        var w = new StringBuilder(2048 + spec.Body.Length * 3);
        if (spec.DeliveredTo is not null)
        {
            Header(w, "Delivered-To", spec.DeliveredTo);
            Header(w, "Received", $"by 2002:a05:6a10:{spec.Hash & 0xffff:x4} with SMTP id {spec.Hash:x12}; {DateUtils.FormatDate(spec.Date)}");
        }

        Header(w, "From", Address(spec.From));
        Header(w, "Date", DateUtils.FormatDate(spec.Date));
        Header(w, "Subject", Unstructured(spec.Subject));
        Header(w, "Message-Id", $"<{spec.MessageId}>");
        Header(w, "To", string.Join(", ", spec.To.Select(Address)));
        if (spec.Cc.Length > 0)
        {
            Header(w, "Cc", string.Join(", ", spec.Cc.Select(Address)));
        }

        if (spec.Bcc.Length > 0)
        {
            Header(w, "Bcc", string.Join(", ", spec.Bcc.Select(Address)));
        }

        if (spec.InReplyTo is not null)
        {
            Header(w, "In-Reply-To", $"<{spec.InReplyTo}>");
        }

        if (spec.References.Length > 0)
        {
            Header(w, "References", string.Join(" ", spec.References.Select(r => $"<{r}>")));
        }

        if (spec.ListUnsubscribe is not null)
        {
            Header(w, "List-Unsubscribe", spec.ListUnsubscribe);
            Header(w, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            Header(w, "Precedence", "bulk");
        }

        if (spec.AutoSubmitted)
        {
            Header(w, "Auto-Submitted", "auto-generated");
        }

        Header(w, "MIME-Version", "1.0");
        var boundaryIndex = 0;
        string NextBoundary() => $"0000000000{spec.Hash:x12}{boundaryIndex++:x2}";

        var attachments = spec.Attachments.Select(a => (a.FileName, a.MimeType, Bytes: a.Make())).ToList();
        string? ics = null;
        if (spec.Calendar is { } cal)
        {
            ics = Attachments.Ics(cal.Uid, cal.Summary, cal.Start, spec.From.Address, spec.To.Select(t => t.Address));
            attachments.Add(("invite.ics", "application/ics", Encoding.UTF8.GetBytes(ics)));
        }

        string? mixed = attachments.Count > 0 ? NextBoundary() : null;
        if (mixed is not null)
        {
            Header(w, "Content-Type", $"multipart/mixed; boundary=\"{mixed}\"");
            w.Append('\n');
            w.Append("--").Append(mixed).Append('\n');
        }

        if (spec.Html || ics is not null)
        {
            var alt = NextBoundary();
            Header(w, "Content-Type", $"multipart/alternative; boundary=\"{alt}\"");
            w.Append('\n');
            w.Append("--").Append(alt).Append('\n');
            TextPart(w, "plain", spec.Body, null);
            w.Append("--").Append(alt).Append('\n');
            TextPart(w, "html", ToHtml(spec.Body), null);
            if (ics is not null)
            {
                w.Append("--").Append(alt).Append('\n');
                TextPart(w, "calendar", ics.Replace("\r\n", "\n", StringComparison.Ordinal), "; method=REQUEST");
            }

            w.Append("--").Append(alt).Append("--\n");
        }
        else
        {
            TextPart(w, "plain", spec.Body, null);
        }

        if (mixed is not null)
        {
            foreach (var (name, type, bytes) in attachments)
            {
                w.Append("--").Append(mixed).Append('\n');
                Header(w, "Content-Type", $"{type}; name=\"{name}\"");
                Header(w, "Content-Disposition", $"attachment; filename=\"{name}\"");
                Header(w, "Content-Transfer-Encoding", "base64");
                w.Append('\n');
                var b64 = Convert.ToBase64String(bytes);
                for (var i = 0; i < b64.Length; i += 76)
                {
                    w.Append(b64, i, Math.Min(76, b64.Length - i)).Append('\n');
                }
            }

            w.Append("--").Append(mixed).Append("--\n");
        }

        return Encoding.ASCII.GetBytes(w.Replace("\n", "\r\n").ToString());
    }

    private static void TextPart(StringBuilder w, string subtype, string text, string? extraParameters)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var ascii = normalized.All(ch => ch < 128);
        Header(w, "Content-Type", $"text/{subtype}; charset=utf-8{extraParameters}");
        Header(w, "Content-Transfer-Encoding", ascii ? "7bit" : "quoted-printable");
        w.Append('\n');
        if (ascii)
        {
            w.Append(normalized);
        }
        else
        {
            var input = Encoding.UTF8.GetBytes(normalized);
            var encoder = new MimeKit.Encodings.QuotedPrintableEncoder();
            var output = new byte[encoder.EstimateOutputLength(input.Length)];
            var length = encoder.Flush(input, 0, input.Length, output);
            w.Append(Encoding.ASCII.GetString(output, 0, length).Replace("\r\n", "\n", StringComparison.Ordinal));
        }

        if (w[^1] != '\n')
        {
            w.Append('\n');
        }
    }

    /// <summary>A header line, folded at spaces so lines stay under 78 characters where possible.</summary>
    private static void Header(StringBuilder w, string name, string value)
    {
        var lineStart = w.Length;
        w.Append(name).Append(": ");
        foreach (var word in value.Split(' '))
        {
            if (w.Length - lineStart + word.Length + 1 > 76 && w[^1] != ' ')
            {
                w.Append("\n ");
                lineStart = w.Length - 1;
            }
            else if (w[^1] != ' ')
            {
                w.Append(' ');
            }

            w.Append(word);
        }

        w.Append('\n');
    }

    private static string Address(Person p) => p.Name.Length == 0 ? p.Address : $"{Phrase(p.Name)} <{p.Address}>";

    private static string Phrase(string name)
    {
        if (name.Any(ch => ch >= 128))
        {
            return Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name));
        }

        return name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == ' ' || "!#$%&'*+-/=?^_`{|}~".Contains(ch))
            ? name
            : "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static string Unstructured(string text) => text.Any(ch => ch >= 128) ? Encoding.ASCII.GetString(Rfc2047.EncodeText(Encoding.UTF8, text)) : text;

    private static string ToHtml(string body)
    {
        var sb = new StringBuilder("<div dir=\"ltr\">");
        foreach (var para in body.Split("\n\n"))
        {
            sb.Append("<p>").Append(HtmlUtils.HtmlEncode(para).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        return sb.Append("</div>").ToString();
    }
}
