using MimeKit;
using MimeKit.Utils;
using System.Globalization;
using System.Net;
using System.Text;

namespace EmailSync.Core.Replies;

/// <summary>The email being answered, as the reply needs it.</summary>
public sealed record ReplyOriginal(
    long Id,
    string RfcMessageId,
    IReadOnlyList<string> References,
    string Subject,
    DateTimeOffset SentAt,
    string FromAddress,
    string? FromName,
    IReadOnlyList<MailboxAddress> ReplyTo,
    IReadOnlyList<MailboxAddress> To,
    IReadOnlyList<MailboxAddress> Cc,
    string? Text);

/// <summary>
/// Pure reply composition with MimeKit: recipients for Reply / Reply all, the "Re:" subject, the quote,
/// validation, and the RFC 2822 message with In-Reply-To and References (so Gmail keeps it in the thread).
/// </summary>
public static class ReplyMessageBuilder
{
    public const int MaxRecipients = 100;
    public const int MaxBodyChars = 200_000;
    private const int MaxQuoteChars = 50_000;

    public static string ReplySubject(string subject)
    {
        var trimmed = subject.Trim();
        return trimmed.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? trimmed : "Re: " + trimmed;
    }

    /// <summary>
    /// Reply: the Reply-To (else the sender), or — when the user sent the original — its recipients. Reply all adds
    /// every other recipient to Cc. The user's own addresses are never recipients.
    /// </summary>
    public static (List<string> To, List<string> Cc) Recipients(ReplyOriginal original, bool replyAll, IReadOnlyCollection<string> ownAddresses)
    {
        var own = new HashSet<string>(ownAddresses.Select(a => a.ToLowerInvariant()), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sender = new MailboxAddress(original.FromName, original.FromAddress);
        var fromSelf = own.Contains(original.FromAddress.ToLowerInvariant());

        IEnumerable<MailboxAddress> primary = fromSelf ? original.To : original.ReplyTo.Count > 0 ? original.ReplyTo : [sender];
        var to = Take(primary, own, seen);
        var cc = new List<string>();
        if (replyAll)
        {
            var rest = fromSelf ? original.Cc : original.To.Concat(original.Cc);
            cc = Take(rest, own, seen);
        }

        if (to.Count == 0 && cc.Count > 0)
        {
            to.Add(cc[0]);
            cc.RemoveAt(0);
        }

        return (to, cc);
    }

    private static List<string> Take(IEnumerable<MailboxAddress> addresses, HashSet<string> own, HashSet<string> seen) =>
        addresses.Where(a => !own.Contains(a.Address.ToLowerInvariant()) && seen.Add(a.Address)).Select(Format).ToList();

    private static string Format(MailboxAddress address) =>
        string.IsNullOrWhiteSpace(address.Name) ? address.Address : $"{address.Name} <{address.Address}>";

    /// <summary>"On 3 Mar 2026, at 14:05, Maria Souza &lt;maria@globex.com&gt; wrote:" and the original text, quoted.</summary>
    public static string Quote(ReplyOriginal original, TimeZoneInfo timeZone)
    {
        var when = TimeZoneInfo.ConvertTime(original.SentAt, timeZone);
        var who = string.IsNullOrWhiteSpace(original.FromName) ? original.FromAddress : $"{original.FromName} <{original.FromAddress}>";
        var header = string.Create(CultureInfo.InvariantCulture, $"On {when:ddd, d MMM yyyy} at {when:HH:mm}, {who} wrote:");
        var text = (original.Text ?? "").ReplaceLineEndings("\n").TrimEnd();
        if (text.Length > MaxQuoteChars)
        {
            text = text[..MaxQuoteChars] + "\n[…]";
        }

        var quoted = string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? ">" : "> " + line));
        return text.Length == 0 ? header : header + "\n" + quoted;
    }

    /// <summary>What must be fixed before the reply can be sent; empty when it is fine.</summary>
    public static IReadOnlyList<string> Validate(ReplyForm form)
    {
        var errors = new List<string>();
        if (form.To.Count == 0)
        {
            errors.Add("Add at least one recipient in To.");
        }

        foreach (var address in form.To.Concat(form.Cc))
        {
            if (!TryParseAddress(address, out _))
            {
                errors.Add($"“{address}” is not a valid email address.");
            }
        }

        if (form.To.Count + form.Cc.Count > MaxRecipients)
        {
            errors.Add($"A reply can go to at most {MaxRecipients} recipients.");
        }

        if (string.IsNullOrWhiteSpace(form.Subject))
        {
            errors.Add("The subject is empty.");
        }
        else if (form.Subject.Length > 900 || form.Subject.Contains('\n') || form.Subject.Contains('\r'))
        {
            errors.Add("The subject must be one line of at most 900 characters.");
        }

        if (string.IsNullOrWhiteSpace(form.Body))
        {
            errors.Add("Write a message before sending.");
        }
        else if (form.Body.Length > MaxBodyChars)
        {
            errors.Add($"The message is longer than {MaxBodyChars:N0} characters.");
        }

        return errors;
    }

    /// <summary>An address as typed ("a@b.c" or "Name &lt;a@b.c&gt;"): one mailbox with a domain that has a dot.</summary>
    public static bool TryParseAddress(string value, out MailboxAddress address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(value) || value.Contains('\n') || value.Contains('\r') || (value.Contains(',') && !value.Contains('"')))
        {
            return false;
        }

        if (!MailboxAddress.TryParse(ParserOptions.Default, value.Trim(), out var parsed) || parsed.Address is not { } text)
        {
            return false;
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || !text[(at + 1)..].Contains('.') || text.Any(char.IsWhiteSpace) || text.EndsWith('.'))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    /// <summary>The reply as MIME: text and HTML alternatives, From the user's Gmail address, threaded on the original.</summary>
    public static MimeMessage Build(ReplyForm form, ReplyOriginal original, string fromAddress, string? fromName, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        foreach (var to in form.To)
        {
            message.To.Add(Parse(to));
        }

        foreach (var cc in form.Cc)
        {
            message.Cc.Add(Parse(cc));
        }

        message.Subject = form.Subject.Trim();
        message.Date = now;
        var at = fromAddress.LastIndexOf('@');
        message.MessageId = MimeUtils.GenerateMessageId(at >= 0 ? fromAddress[(at + 1)..] : "emailsync.local");
        message.InReplyTo = original.RfcMessageId;
        foreach (var reference in References(original))
        {
            message.References.Add(reference);
        }

        var body = form.Body.ReplaceLineEndings("\n").TrimEnd();
        var builder = new BodyBuilder
        {
            TextBody = string.IsNullOrEmpty(form.Quote) ? body + "\n" : body + "\n\n" + form.Quote + "\n",
            HtmlBody = Html(body, form.Quote),
        };
        message.Body = builder.ToMessageBody();
        message.Headers.Add("X-Mailer", "EmailSync");
        return message;
    }

    /// <summary>The original's References plus its own Message-ID (RFC 5322 §3.6.4), without duplicates.</summary>
    public static IReadOnlyList<string> References(ReplyOriginal original)
    {
        var list = new List<string>();
        foreach (var id in original.References.Append(original.RfcMessageId))
        {
            var clean = id.Trim().Trim('<', '>');
            if (clean.Length > 0 && !list.Contains(clean, StringComparer.Ordinal))
            {
                list.Add(clean);
            }
        }

        return list;
    }

    public static byte[] ToBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(format, stream);
        return stream.ToArray();
    }

    private static MailboxAddress Parse(string value) =>
        TryParseAddress(value, out var address) ? address : throw new FormatException($"“{value}” is not a valid email address.");

    private static string Html(string body, string quote)
    {
        var html = new StringBuilder("<div dir=\"ltr\">");
        html.Append(Paragraphs(body));
        html.Append("</div>");
        if (!string.IsNullOrEmpty(quote))
        {
            var lines = quote.Split('\n');
            html.Append("<br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">").Append(WebUtility.HtmlEncode(lines[0])).Append("</div>");
            var quoted = string.Join("\n", lines.Skip(1).Select(l => l.StartsWith("> ", StringComparison.Ordinal) ? l[2..] : l.TrimStart('>')));
            html.Append("<blockquote class=\"gmail_quote\" style=\"margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex\">")
                .Append(Paragraphs(quoted)).Append("</blockquote></div>");
        }

        return html.ToString();
    }

    private static string Paragraphs(string text) => WebUtility.HtmlEncode(text).Replace("\n", "<br>\n", StringComparison.Ordinal);
}
