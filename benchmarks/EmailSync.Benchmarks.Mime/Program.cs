// Throughput harness for EmailSync.Core/Mime (DESIGN §11: measured, not asserted).
//   dotnet run -c Release --project benchmarks/EmailSync.Benchmarks.Mime -- [--messages N] [--seconds S]
// Prints messages/s for parsing a realistic mix on 1 thread and on all cores, the sanitiser's and
// HtmlToText's throughput, and the cost of a few hostile messages.
using System.Diagnostics;
using System.Text;
using EmailSync.Core.Mime;
using MimeKit;

var messages = ArgValue(args, "--messages", 2000);
var seconds = ArgValue(args, "--seconds", 3);

var corpus = Corpus.Build(messages);
var parser = new EmailParser();
var options = new MimeParseOptions();
Console.WriteLine($"corpus: {corpus.Count} messages, {corpus.Sum(m => m.Length) / 1024.0 / 1024.0:F1} MiB, {Environment.ProcessorCount} cores");

// Warm up (JIT tiers, regexes, encodings): two full passes.
for (var pass = 0; pass < 2; pass++)
{
    foreach (var raw in corpus)
    {
        parser.Parse(raw, options);
    }
}

Report("parse, 1 thread", Measure(seconds, () =>
{
    var n = 0;
    foreach (var raw in corpus)
    {
        parser.Parse(raw, options);
        n++;
    }

    return n;
}));

var withoutAttachments = corpus.Where((_, i) => i % 4 != 3).ToList();
Report("parse, 1 thread, no attachments", Measure(seconds, () =>
{
    foreach (var raw in withoutAttachments)
    {
        parser.Parse(raw, options);
    }

    return withoutAttachments.Count;
}));

Report($"parse, {Environment.ProcessorCount} threads", Measure(seconds, () =>
{
    var n = 0;
    Parallel.ForEach(corpus, raw =>
    {
        parser.Parse(raw, options);
        Interlocked.Increment(ref n);
    });
    return n;
}));

var htmlBodies = corpus.Select(raw => parser.Parse(raw, options).HtmlBody).OfType<string>().ToList();
var sanitizer = EmailHtmlSanitizer.Shared;
sanitizer.Sanitize(htmlBodies[0]);
Report("sanitize html bodies, 1 thread", Measure(seconds, () =>
{
    foreach (var html in htmlBodies)
    {
        sanitizer.Sanitize(html);
    }

    return htmlBodies.Count;
}), "bodies");

Report("html->text, 1 thread", Measure(seconds, () =>
{
    foreach (var html in htmlBodies)
    {
        HtmlToText.Convert(html);
    }

    return htmlBodies.Count;
}), "bodies");

Console.WriteLine("hostile messages (ms per parse, 5 runs):");
foreach (var (name, raw) in Corpus.Hostile())
{
    var email = parser.Parse(raw, options);
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < 5; i++)
    {
        parser.Parse(raw, options);
    }

    Console.WriteLine($"  {name,-28} {raw.Length / 1024.0,8:F0} KiB {sw.Elapsed.TotalMilliseconds / 5,8:F1} ms  warnings: {string.Join("; ", email.Warnings)}");
}

var bigHtml = Corpus.BigHtml(2 * 1024 * 1024);
var swBig = Stopwatch.StartNew();
var sanitized = sanitizer.Sanitize(bigHtml);
Console.WriteLine($"  sanitize 2 MiB html          {swBig.Elapsed.TotalMilliseconds,8:F1} ms  blocked images: {sanitized.BlockedRemoteImages}");

static (int Count, TimeSpan Elapsed) Measure(int seconds, Func<int> round)
{
    var total = 0;
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed.TotalSeconds < seconds)
    {
        total += round();
    }

    return (total, sw.Elapsed);
}

static void Report(string what, (int Count, TimeSpan Elapsed) result, string unit = "messages") =>
    Console.WriteLine($"{what,-34} {result.Count / result.Elapsed.TotalSeconds,10:F0} {unit}/s");

static int ArgValue(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}

/// <summary>A deterministic, realistic mix: short replies, HTML newsletters, Outlook threads, attachments.</summary>
internal static class Corpus
{
    public static List<byte[]> Build(int count)
    {
        var random = new Random(7);
        var list = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var message = new MimeMessage();
            message.MessageId = $"m{i}@globex.com";
            message.Date = DateTimeOffset.UtcNow.AddMinutes(-i);
            message.From.Add(new MailboxAddress($"Maria Silva {i}", $"maria{i % 50}@globex.com"));
            message.To.Add(new MailboxAddress("CSM", "csm@acme.com"));
            message.Cc.Add(new MailboxAddress("Renata Souza", "renata@globex.com.br"));
            message.Subject = (i % 3) switch { 0 => "Re: Renovação do contrato", 1 => "Weekly product update", _ => "RE: Factura de marzo" };
            message.InReplyTo = $"m{i - 1}@acme.com";
            var body = new BodyBuilder();
            var reply = Lorem(random, 40 + random.Next(120));
            switch (i % 4)
            {
                case 0:
                    body.TextBody = reply + "\n\nOn Mon, Mar 2, 2026 at 10:30 AM CSM <csm@acme.com> wrote:\n" + string.Join('\n', Lorem(random, 200).Chunk(70).Select(c => "> " + new string(c)));
                    body.HtmlBody = $"<div dir=\"ltr\">{reply}</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon, Mar 2, 2026 at 10:30 AM CSM wrote:</div><blockquote class=\"gmail_quote\">{Lorem(random, 200)}</blockquote></div>";
                    break;
                case 1:
                    message.Headers.Add("List-Unsubscribe", "<mailto:unsub@news.globex.com>");
                    body.HtmlBody = Newsletter(random);
                    break;
                case 2:
                    body.HtmlBody = $"<div>{reply}</div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> CSM<br><b>Sent:</b> Monday<br><b>Subject:</b> x</div><div>{Lorem(random, 300)}</div>";
                    body.TextBody = reply + "\n\nFrom: CSM\nSent: Monday\nSubject: x\n\n" + Lorem(random, 300);
                    break;
                default:
                    body.TextBody = reply + "\n\nSaludos,\nMaria";
                    var attachment = new byte[20_000 + random.Next(200_000)];
                    random.NextBytes(attachment);
                    body.Attachments.Add("report.pdf", attachment, new ContentType("application", "pdf"));
                    break;
            }

            message.Body = body.ToMessageBody();
            using var stream = new MemoryStream();
            message.WriteTo(stream);
            list.Add(stream.ToArray());
        }

        return list;
    }

    public static IEnumerable<(string Name, byte[] Raw)> Hostile()
    {
        var header = new StringBuilder("Message-ID: <h@x>\r\nFrom: a@b.com\r\nSubject: huge header\r\n");
        for (var i = 0; i < 60_000; i++)
        {
            header.Append("X-Junk-").Append(i).Append(": ").Append('x', 60).Append("\r\n");
        }

        yield return ("4 MiB header block", Encoding.ASCII.GetBytes(header.Append("\r\nbody\r\n").ToString()));

        var nest = new StringBuilder("Message-ID: <n@x>\r\nFrom: a@b.com\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        for (var i = 0; i < 5000; i++)
        {
            nest.Append("--b").Append(i).Append("\r\nContent-Type: multipart/mixed; boundary=\"b").Append(i + 1).Append("\"\r\n\r\n");
        }

        yield return ("5000-deep nesting", Encoding.ASCII.GetBytes(nest.Append("deep\r\n").ToString()));

        var html = new MimeMessage { MessageId = "big@x", Subject = "big html" };
        html.From.Add(MailboxAddress.Parse("a@b.com"));
        html.Body = new TextPart("html") { Text = BigHtml(8 * 1024 * 1024) };
        using (var stream = new MemoryStream())
        {
            html.WriteTo(stream);
            yield return ("8 MiB html body", stream.ToArray());
        }

        var attach = new MimeMessage { MessageId = "att@x", Subject = "big attachment" };
        attach.From.Add(MailboxAddress.Parse("a@b.com"));
        var builder = new BodyBuilder { TextBody = "see attached" };
        builder.Attachments.Add("big.bin", new byte[25 * 1024 * 1024]);
        attach.Body = builder.ToMessageBody();
        using (var stream = new MemoryStream())
        {
            attach.WriteTo(stream);
            yield return ("25 MiB attachment", stream.ToArray());
        }
    }

    public static string BigHtml(int chars)
    {
        var sb = new StringBuilder(chars + 200);
        var i = 0;
        while (sb.Length < chars)
        {
            sb.Append("<div style=\"color:#333;padding:4px\"><p>Paragraph ").Append(i++)
                .Append(" with <a href=\"https://globex.com/p/").Append(i).Append("\">a link</a> and <img src=\"https://cdn.globex.com/i")
                .Append(i).Append(".png\" alt=\"img\"></p></div>");
        }

        return sb.ToString();
    }

    private static string Newsletter(Random random)
    {
        var sb = new StringBuilder("<html><head><style>.x{color:red}</style></head><body><table width=\"600\">");
        for (var i = 0; i < 15; i++)
        {
            sb.Append("<tr><td style=\"padding:8px;font-family:Arial\"><img src=\"https://cdn.news.example/").Append(i)
                .Append(".png\" width=\"560\"><h2>Headline ").Append(i).Append("</h2><p>").Append(Lorem(random, 60))
                .Append(" <a href=\"https://news.example/a/").Append(i).Append("\">Read more</a></p></td></tr>");
        }

        return sb.Append("</table><img src=\"https://t.news.example/open\" width=\"1\" height=\"1\"></body></html>").ToString();
    }

    private static readonly string[] Words =
        "renewal contract invoice meeting support issue price discount team product launch feature roadmap please thanks cancel problema fatura reunião propuesta gracias obrigado".Split(' ');

    private static string Lorem(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));
}
