using System.Text;
using EmailSync.GmailEmulator.Model;
using MimeKit;
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

    private static readonly FormatOptions Dos = CreateFormat();

    private static FormatOptions CreateFormat()
    {
        var f = FormatOptions.Default.Clone();
        f.NewLineFormat = NewLineFormat.Dos;
        return f;
    }

    public static byte[] Render(MessageSpec spec)
    {
        var msg = new MimeMessage();
        if (spec.DeliveredTo is not null)
        {
            msg.Headers.Add("Delivered-To", spec.DeliveredTo);
            msg.Headers.Add("Received", $"by 2002:a05:6a10:{spec.Hash & 0xffff:x4} with SMTP id {spec.Hash:x12}; {DateUtils.FormatDate(spec.Date)}");
        }

        msg.From.Add(new MailboxAddress(spec.From.Name, spec.From.Address));
        msg.To.AddRange(spec.To.Select(p => new MailboxAddress(p.Name, p.Address)));
        msg.Cc.AddRange(spec.Cc.Select(p => new MailboxAddress(p.Name, p.Address)));
        msg.Bcc.AddRange(spec.Bcc.Select(p => new MailboxAddress(p.Name, p.Address)));
        msg.Subject = spec.Subject;
        msg.Date = spec.Date;
        msg.MessageId = spec.MessageId;
        if (spec.InReplyTo is not null)
        {
            msg.InReplyTo = spec.InReplyTo;
        }

        foreach (var r in spec.References)
        {
            msg.References.Add(r);
        }

        if (spec.ListUnsubscribe is not null)
        {
            msg.Headers.Add("List-Unsubscribe", spec.ListUnsubscribe);
            msg.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            msg.Headers.Add("Precedence", "bulk");
        }

        if (spec.AutoSubmitted)
        {
            msg.Headers.Add("Auto-Submitted", "auto-generated");
        }

        var boundary = 0;
        string NextBoundary() => $"0000000000{spec.Hash:x12}{boundary++:x2}";

        MimeEntity body = Text("plain", spec.Body);
        if (spec.Html || spec.Calendar is not null)
        {
            var alt = new MultipartAlternative { Boundary = NextBoundary() };
            alt.Add(body);
            alt.Add(Text("html", ToHtml(spec.Body)));
            if (spec.Calendar is { } cal)
            {
                var ics = Attachments.Ics(cal.Uid, cal.Summary, cal.Start, spec.From.Address, spec.To.Select(t => t.Address));
                var calPart = Text("calendar", ics);
                calPart.ContentType.Parameters.Add("method", "REQUEST");
                alt.Add(calPart);
            }

            body = alt;
        }

        var attachments = spec.Attachments.Select(a => (a.FileName, a.MimeType, Bytes: a.Make())).ToList();
        if (spec.Calendar is { } c)
        {
            attachments.Add(("invite.ics", "application/ics", Encoding.UTF8.GetBytes(Attachments.Ics(c.Uid, c.Summary, c.Start, spec.From.Address, spec.To.Select(t => t.Address)))));
        }

        if (attachments.Count > 0)
        {
            var mixed = new Multipart("mixed") { Boundary = NextBoundary() };
            mixed.Add(body);
            foreach (var (name, type, bytes) in attachments)
            {
                mixed.Add(new MimePart(ContentType.Parse(type))
                {
                    Content = new MimeContent(new MemoryStream(bytes)),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = name,
                });
            }

            body = mixed;
        }

        msg.Body = body;
        using var ms = new MemoryStream();
        msg.WriteTo(Dos, ms);
        return ms.ToArray();
    }

    private static TextPart Text(string subtype, string text)
    {
        var part = new TextPart(subtype);
        part.SetText(Encoding.UTF8, text);
        part.ContentTransferEncoding = text.All(ch => ch < 128) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable;
        return part;
    }

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
