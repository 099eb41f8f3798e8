using System.Globalization;
using System.Text;
using EmailSync.GmailEmulator.Control;
using EmailSync.GmailEmulator.Model;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EmailSync.GmailEmulator.Corpus;

/// <summary>
/// Keeps mail flowing for the demo: every <see cref="GmailEmulatorOptions.LiveMailInterval"/> a customer
/// writes to one of the mailboxes seeded at start — half the time a reply in a thread the mailbox owner answered last, else
/// a new conversation. Deliveries write history and fire push like any other. Off unless configured.
/// </summary>
public sealed class LiveMailService(EmulatorState state, IOptions<GmailEmulatorOptions> options, TimeProvider time, ILogger<LiveMailService> logger) : BackgroundService
{
    private long counter;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.LiveMailInterval is not { } interval || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                DeliverOne();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Live mail delivery failed");
            }
        }
    }

    /// <summary>Delivers one new customer message; returns the mailbox and the stored message.</summary>
    public (Mailbox Mailbox, StoredMessage Message)? DeliverOne()
    {
        var n = Interlocked.Increment(ref counter);
        var rng = new Random(HashCode.Combine(state.Seed, n));
        var boxes = state.SeededMailboxes;
        if (boxes.Count == 0 || state.World.Companies.Count == 0)
        {
            return null;
        }

        var box = boxes[rng.Next(boxes.Count)];
        var now = time.GetUtcNow();
        var raw = rng.NextDouble() < 0.5 ? Reply(box, rng, now) : null;
        raw ??= NewConversation(box, rng, now);
        return (box, state.Store.Deliver(box, raw));
    }

    private byte[]? Reply(Mailbox box, Random rng, DateTimeOffset now)
    {
        SearchDoc? last = null;
        lock (box.Sync)
        {
            var ordered = box.OrderedAscending;
            for (var i = ordered.Count - 1; i >= Math.Max(0, ordered.Count - 200); i--)
            {
                var m = ordered[i];
                if (m.Labels.Contains("SENT") && m.Category is "customer" && box.Thread(m.ThreadId) is { } t && t[^1] == m && rng.NextDouble() < 0.3)
                {
                    last = m.Content.Doc;
                    break;
                }
            }
        }

        if (last is null || last.To.Count == 0 || last.MessageIdHeader is null)
        {
            return null;
        }

        var customer = last.To[0];
        var company = state.World.Companies.FirstOrDefault(c => c.Domain == customer.Domain);
        var lang = company?.Language ?? "en";
        var tone = rng.NextDouble() switch { < 0.4 => "positive", < 0.8 => "neutral", _ => "negative" };
        var body = new StringBuilder()
            .Append(string.Format(CultureInfo.InvariantCulture, Vocabulary.Greeting[lang], last.From.Count > 0 ? last.From[0].Name.Split(' ')[0] : ""))
            .Append("\n\n").Append(World.Pick(rng, Vocabulary.ToneLines[lang][tone]).Replace("{p}", World.Pick(rng, Vocabulary.Products), StringComparison.Ordinal))
            .Append("\n\n").Append(Vocabulary.Closing[lang]).Append('\n').Append(customer.Name);
        var msg = Compose(new MailboxAddress(customer.Name, customer.Address), last.From.Count > 0 ? last.From[0].Address : box.Address, box.Address, now);
        msg.Subject = last.Subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) || last.Subject.StartsWith("RES:", StringComparison.OrdinalIgnoreCase) ? last.Subject : "Re: " + last.Subject;
        msg.InReplyTo = last.MessageIdHeader;
        foreach (var r in last.References.Append(last.MessageIdHeader))
        {
            msg.References.Add(r);
        }

        msg.Body = new TextPart("plain") { Text = body.ToString() };
        return Bytes(msg);
    }

    private byte[] NewConversation(Mailbox box, Random rng, DateTimeOffset now)
    {
        var company = World.Pick(rng, state.World.Companies);
        var contact = World.Pick(rng, company.Contacts);
        var lang = company.Language;
        var topic = World.Pick(rng, Vocabulary.Topics[lang]);
        var product = World.Pick(rng, Vocabulary.Products);
        var to = box.Aliases.Count > 0 && rng.NextDouble() < 0.3 ? World.Pick(rng, box.Aliases) : box.Address;
        var msg = Compose(new MailboxAddress(contact.Name, contact.Address), to, box.Address, now);
        msg.Subject = topic.Subject.Replace("{p}", product, StringComparison.Ordinal);
        var lines = new List<string>
        {
            string.Format(CultureInfo.InvariantCulture, Vocabulary.Greeting[lang], box.DisplayName.Split(' ')[0]),
            topic.Opening.Replace("{p}", product, StringComparison.Ordinal).Replace("{c}", company.Name, StringComparison.Ordinal),
        };
        if (rng.NextDouble() < 0.15)
        {
            lines.Add(World.Pick(rng, Vocabulary.Critical[lang]).Replace("{x}", World.Pick(rng, Vocabulary.Competitors), StringComparison.Ordinal));
        }

        lines.Add(Vocabulary.Closing[lang] + "\n" + contact.Name);
        msg.Body = new TextPart("plain") { Text = string.Join("\n\n", lines) };
        return Bytes(msg);
    }

    private static MimeMessage Compose(MailboxAddress from, string to, string deliveredTo, DateTimeOffset now)
    {
        var msg = new MimeMessage();
        msg.Headers.Add("Delivered-To", deliveredTo);
        msg.From.Add(from);
        msg.To.Add(MailboxAddress.Parse(to));
        msg.Date = now;
        msg.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Domain);
        return msg;
    }

    private static byte[] Bytes(MimeMessage msg)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        using var ms = new MemoryStream();
        msg.WriteTo(format, ms);
        return ms.ToArray();
    }
}
