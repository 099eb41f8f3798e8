using System.IO.Compression;
using System.Text;
using EmailSync.GmailEmulator;
using EmailSync.GmailEmulator.Control;
using EmailSync.GmailEmulator.Mime;
using EmailSync.GmailEmulator.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EmailSync.Tests.GmailEmulator;

public sealed class CorpusTests
{
    private static EmulatorState Create(int seed, int messages, params MailboxSeed[] mailboxes)
    {
        var options = new GmailEmulatorOptions
        {
            Seed = seed,
            MessagesPerMailbox = messages,
            CorpusEnd = EmulatorFixture.CorpusEnd,
            CustomerCount = 20,
            Mailboxes = mailboxes.ToList(),
        };
        return new EmulatorState(new MailboxStore(TimeProvider.System), Options.Create(options), TimeProvider.System, NullLogger<EmulatorState>.Instance);
    }

    private static (StoredMessage Message, MimeMessage Mime)[] Messages(Mailbox box)
    {
        lock (box.Sync)
        {
            return box.OrderedAscending.ToArray().Select(m => (m, MimeMessage.Load(new MemoryStream(m.Content.GetRaw())))).ToArray();
        }
    }

    [Fact]
    public void SameSeed_GivesSameIdsLabelsAndBytes_OtherSeedDiffers()
    {
        var a = Create(7, 300);
        var b = Create(7, 300);
        var c = Create(8, 300);
        var address = a.Store.All.First().Address;
        var ta = ControlApi.GroundTruth(a.Store.Find(address)!);
        var tb = ControlApi.GroundTruth(b.Store.Find(address)!);
        Assert.Equal(ta.Select(m => (m.Id, m.ThreadId, string.Join(',', m.LabelIds))), tb.Select(m => (m.Id, m.ThreadId, string.Join(',', m.LabelIds))));
        lock (a.Store.Find(address)!.Sync)
        {
            foreach (var id in ta.Take(50).Select(m => m.Id))
            {
                Assert.Equal(a.Store.Find(address)!.Find(id)!.Content.GetRaw(), b.Store.Find(address)!.Find(id)!.Content.GetRaw());
            }
        }

        Assert.NotEqual(ta.Select(m => m.Id), ControlApi.GroundTruth(c.Store.Find(address)!).Select(m => m.Id));
    }

    [Fact]
    public void Corpus_IsRealistic_AndEveryKindIsPresent()
    {
        var state = Create(11, 3000);
        var box = state.Store.All.First(m => m.Aliases.Count > 0);
        var all = Messages(box);
        var categories = all.Select(x => x.Message.Category).ToHashSet();
        foreach (var kind in new[] { "customer", "customer-alias", "newsletter", "automated", "internal", "personal", "calendar", "spam" })
        {
            Assert.Contains(kind, categories);
        }

        bool Has(string label) => all.Any(x => x.Message.Labels.Contains(label));
        Assert.True(Has("SENT") && Has("TRASH") && Has("SPAM") && Has("UNREAD") && Has("STARRED") && Has("CATEGORY_PROMOTIONS") && Has("CATEGORY_UPDATES"));

        var text = string.Join("\n", all.Select(x => x.Message.Content.Doc.Body));
        foreach (var word in new[] { "cancel", "cancelar", "cancelamento", "terminate", "Hola", "Olá" })
        {
            Assert.Contains(word, text, StringComparison.Ordinal);
        }

        Assert.Contains(all, x => new[] { "Gainsight", "ChurnZero", "Totango", "Planhat", "Vitally" }.Any(c => x.Message.Content.Doc.Body.Contains(c, StringComparison.Ordinal)));
        Assert.Contains(all, x => x.Mime.Cc.Count > 0);
        Assert.Contains(all, x => x.Mime.Bcc.Count > 0 && x.Message.Labels.Contains("SENT"));
        Assert.Contains(all, x => x.Mime.From.Mailboxes.Any(m => m.Domain == "gmail.com"));
        Assert.Contains(all, x => x.Mime.From.Mailboxes.Concat(x.Mime.To.Mailboxes).All(m => m.Domain == "northwind-cs.com"));
        Assert.All(all.Where(x => x.Message.Category == "newsletter"), x => Assert.Contains("List-Unsubscribe", x.Mime.Headers.Select(h => h.Field)));
        Assert.All(all.Where(x => x.Message.Category == "automated"), x => Assert.Equal("auto-generated", x.Mime.Headers["Auto-Submitted"]));
        Assert.Contains(all, x => x.Mime.BodyParts.OfType<TextPart>().Any(p => p.ContentType.IsMimeType("text", "calendar") && p.ContentType.Parameters["method"] == "REQUEST"));
        Assert.Contains(all, x => x.Mime.To.Mailboxes.Any(m => m.Address.StartsWith("collections@", StringComparison.Ordinal) || m.Address.StartsWith("success@", StringComparison.Ordinal))
            && x.Mime.Headers["Delivered-To"] == box.Address);

        // threads carry Message-ID / In-Reply-To / References
        var thread = all.GroupBy(x => x.Message.ThreadId).First(g => g.Count() >= 3).ToArray();
        for (var i = 1; i < thread.Length; i++)
        {
            Assert.Equal(thread[i - 1].Mime.MessageId, thread[i].Mime.InReplyTo);
            Assert.Equal(thread.Take(i).Select(x => x.Mime.MessageId), thread[i].Mime.References);
        }

        // attachments are real files
        var attachments = all.SelectMany(x => x.Mime.Attachments.OfType<MimePart>()).ToArray();
        byte[] Bytes(MimePart p) => MimeView.Content(p);
        var pdf = attachments.First(p => (p.FileName ?? "").EndsWith(".pdf", StringComparison.Ordinal));
        Assert.StartsWith("%PDF-1.4", Encoding.ASCII.GetString(Bytes(pdf)), StringComparison.Ordinal);
        var png = attachments.First(p => (p.FileName ?? "").EndsWith(".png", StringComparison.Ordinal));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, Bytes(png)[..4]);
        var xlsx = attachments.First(p => (p.FileName ?? "").EndsWith(".xlsx", StringComparison.Ordinal));
        using (var zip = new ZipArchive(new MemoryStream(Bytes(xlsx))))
        {
            Assert.NotNull(zip.GetEntry("xl/worksheets/sheet1.xml"));
        }

        var csv = attachments.First(p => (p.FileName ?? "").EndsWith(".csv", StringComparison.Ordinal));
        Assert.StartsWith("week,active_users", Encoding.UTF8.GetString(Bytes(csv)), StringComparison.Ordinal);
    }

    [Fact]
    public void SearchView_OfGeneratedMessages_MatchesTheirRenderedBytes()
    {
        var state = Create(5, 400);
        var box = state.Store.All.First();
        foreach (var (message, _) in Messages(box).Where((_, i) => i % 3 == 0))
        {
            var spec = message.Content.Doc;
            var parsed = MessageIndexer.Index(message.Content.GetRaw());
            Assert.Equal(spec.From.Select(a => a.Address), parsed.From.Select(a => a.Address));
            Assert.Equal(spec.To.Select(a => a.Address), parsed.To.Select(a => a.Address));
            Assert.Equal(spec.Cc.Select(a => a.Address), parsed.Cc.Select(a => a.Address));
            Assert.Equal(spec.Bcc.Select(a => a.Address), parsed.Bcc.Select(a => a.Address));
            Assert.Equal(spec.DeliveredTo.Select(a => a.Address), parsed.DeliveredTo.Select(a => a.Address));
            Assert.Equal(spec.Subject, parsed.Subject);
            Assert.Equal(spec.Filenames.Order(), parsed.Filenames.Order());
            Assert.Equal(spec.MessageIdHeader, parsed.MessageIdHeader);
            Assert.Equal(spec.Body.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd(), parsed.Body.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd());
        }
    }

    [Fact]
    public void HundredThousandMessages_AreGeneratedLazily()
    {
        var state = Create(3, 100_000, new MailboxSeed { Address = "big@northwind-cs.com", DisplayName = "Big Mailbox" });
        var box = state.Store.Find("big@northwind-cs.com")!;
        lock (box.Sync)
        {
            Assert.Equal(100_000, box.MessageCount);
            var newest = box.OrderedAscending[^1];
            var oldest = box.OrderedAscending[0];
            Assert.True(newest.InternalDate <= EmulatorFixture.CorpusEnd.ToUnixTimeMilliseconds());
            Assert.True(oldest.InternalDate >= EmulatorFixture.CorpusEnd.AddDays(-400).ToUnixTimeMilliseconds());
            Assert.Equal(16, newest.Id.Length);
            Assert.Contains("Subject:", Encoding.UTF8.GetString(newest.Content.GetRaw()), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void InvalidOptions_FailAtStart_NamingTheSetting()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddLogging();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddGmailEmulator(o => o.Mailboxes = [new MailboxSeed { Address = "not-an-address" }]);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GmailEmulatorOptions>>().Value);
        Assert.Contains("GmailEmulator:Mailboxes", ex.Message, StringComparison.Ordinal);
    }
}
