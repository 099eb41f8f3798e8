using System.Text;
using EmailSync.GmailEmulator.Corpus;
using EmailSync.GmailEmulator.Loading;
using EmailSync.GmailEmulator.Model;

namespace EmailSync.Tests.GmailEmulator;

public sealed class LoaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("emulator-load-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly byte[] First = Encoding.UTF8.GetBytes(
        "From: Carla <carla@acme.com>\r\nTo: owner@northwind-cs.com\r\nSubject: Contract\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\nMessage-ID: <first@acme.com>\r\n\r\nHello\r\n");

    private static readonly byte[] Reply = Encoding.UTF8.GetBytes(
        "From: owner@northwind-cs.com\nTo: carla@acme.com\nSubject: Re: Contract\nDate: Tue, 3 Mar 2026 10:00:00 +0000\nMessage-ID: <reply@northwind-cs.com>\nIn-Reply-To: <first@acme.com>\nReferences: <first@acme.com>\n\nLF-only lines stay LF-only.\n");

    private static readonly byte[] Latin1 = [.. Encoding.ASCII.GetBytes("From: Joao <joao@rio.com.br>\r\nTo: owner@northwind-cs.com\r\nSubject: Pedido\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nInforma"), 0xE7, 0xE3, 0x6F, 0x0D, 0x0A];

    private static (MailboxStore Store, Mailbox Box) NewBox()
    {
        var store = new MailboxStore(TimeProvider.System);
        var box = store.Add(new Mailbox("owner@northwind-cs.com", "Owner", [], 1));
        return (store, box);
    }

    [Fact]
    public void EmlFolder_KeepsBytesExactly_ThreadsReplies_AndLabelsSent()
    {
        File.WriteAllBytes(Path.Combine(dir, "01.eml"), First);
        File.WriteAllBytes(Path.Combine(dir, "02.eml"), Reply);
        File.WriteAllBytes(Path.Combine(dir, "03.eml"), Latin1);
        var (store, box) = NewBox();
        Assert.Equal(3, MailLoader.LoadEmlFolder(store, box, dir));
        lock (box.Sync)
        {
            var messages = box.OrderedAscending.ToArray();
            var first = messages.Single(m => m.Content.Doc.Subject == "Contract");
            var reply = messages.Single(m => m.Content.Doc.Subject == "Re: Contract");
            var latin = messages.Single(m => m.Content.Doc.Subject == "Pedido");
            Assert.Equal(First, first.Content.GetRaw());
            Assert.Equal(Reply, reply.Content.GetRaw());
            Assert.Equal(Latin1, latin.Content.GetRaw());
            Assert.Equal(first.ThreadId, reply.ThreadId);
            Assert.Contains("SENT", reply.Labels);
            Assert.Contains("INBOX", first.Labels);
            Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), first.InternalDate);
            Assert.Contains("Informação", latin.Content.Doc.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Mbox_SplitsOnFromLines_KeepsBytes_AndMapsTakeoutLabels()
    {
        var takeout = Encoding.UTF8.GetBytes("X-Gmail-Labels: Inbox,Unread,Category Promotions,Customers\r\nFrom: news@vendor.com\r\nTo: owner@northwind-cs.com\r\nSubject: Deals\r\n\r\nBody line\r\n>From the quoted line\r\n");
        var mbox = new MemoryStream();
        foreach (var m in new[] { First, takeout, Reply })
        {
            mbox.Write(Encoding.ASCII.GetBytes("From 1234567890@xxx Mon Mar 02 10:00:00 +0000 2026\n"));
            mbox.Write(m);
            mbox.Write("\n"u8);
        }

        var path = Path.Combine(dir, "mail.mbox");
        File.WriteAllBytes(path, mbox.ToArray());
        var (store, box) = NewBox();
        Assert.Equal(3, MailLoader.LoadMbox(store, box, path));
        lock (box.Sync)
        {
            var messages = box.OrderedAscending.ToDictionary(m => m.Content.Doc.Subject);
            Assert.Equal(First, messages["Contract"].Content.GetRaw());
            Assert.Equal(takeout, messages["Deals"].Content.GetRaw());
            Assert.Equal(Reply, messages["Re: Contract"].Content.GetRaw());
            var labels = messages["Deals"].Labels;
            Assert.Contains("INBOX", labels);
            Assert.Contains("UNREAD", labels);
            Assert.Contains("CATEGORY_PROMOTIONS", labels);
            Assert.Equal("Customers", box.FindLabel(labels.Single(l => l.StartsWith("Label_", StringComparison.Ordinal)))!.Name);
        }
    }

    [Fact]
    public void StableHash_DoesNotDependOnTheProcess() =>
        Assert.Equal(CorpusGenerator.HashCode32(1, "abc"), CorpusGenerator.HashCode32(1, "abc"));
}
