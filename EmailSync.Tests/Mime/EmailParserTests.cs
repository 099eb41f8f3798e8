using System.Text;
using EmailSync.Core.Mime;
using MimeKit;

namespace EmailSync.Tests.Mime;

public sealed class EmailParserTests
{
    private readonly EmailParser _parser = new();

    [Fact]
    public void Parse_ReadsHeadersAndAddresses_FromSimpleMessage()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <abc.123@mail.globex.com>
            In-Reply-To: <prev@acme.com>
            References: <root@acme.com> <prev@acme.com>
            Date: Mon, 2 Mar 2026 10:30:00 -0300
            From: "Maria Silva" <Maria.Silva@Globex.COM>
            To: CSM <csm@acme.com>, other@acme.com
            Cc:  " Boss " <BOSS@acme.com >
            Reply-To: support@globex.com
            Subject: Renewal next month
            Content-Type: text/plain; charset=utf-8

            Hello, can we talk about the renewal?
            """);

        var email = _parser.Parse(raw);

        Assert.Empty(email.Warnings);
        Assert.Equal("abc.123@mail.globex.com", email.MessageId);
        Assert.False(email.MessageIdSynthesised);
        Assert.Equal("prev@acme.com", email.InReplyTo);
        Assert.Equal(["root@acme.com", "prev@acme.com"], email.References);
        Assert.Equal("Renewal next month", email.Subject);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 30, 0, TimeSpan.FromHours(-3)), email.Date);
        Assert.Equal([new EmailAddress("maria.silva@globex.com", "Maria Silva")], email.From);
        Assert.Equal([new EmailAddress("csm@acme.com", "CSM"), new EmailAddress("other@acme.com", null)], email.To);
        Assert.Equal("boss@acme.com", Assert.Single(email.Cc).Address);
        Assert.Equal("Boss", email.Cc[0].DisplayName);
        Assert.Equal("support@globex.com", Assert.Single(email.ReplyTo).Address);
        Assert.Equal("Hello, can we talk about the renewal?", email.TextBody);
        Assert.Equal("Hello, can we talk about the renewal?", email.NewText);
        Assert.Equal("Hello, can we talk about the renewal?", email.Snippet);
        Assert.Null(email.HtmlBody);
        Assert.Empty(email.Warnings);
        Assert.False(email.IsBulk);
        Assert.False(email.IsAutomated);
        Assert.False(email.IsCalendarInvite);
    }

    [Fact]
    public void Parse_MultipartAlternative_KeepsTextAndRawHtml()
    {
        var raw = new TestMessage()
            .Text("Plain version")
            .Html("<p onclick=\"x()\">HTML <b>version</b></p>")
            .Bytes();

        var email = _parser.Parse(raw);

        Assert.Equal("Plain version", email.TextBody);
        Assert.Equal("<p onclick=\"x()\">HTML <b>version</b></p>", email.HtmlBody); // raw: sanitised at render time
        Assert.Empty(email.Attachments);
    }

    [Fact]
    public void Parse_HtmlOnly_DerivesTextBodyFromHtml()
    {
        var raw = new TestMessage()
            .Html("<html><head><style>p{color:red}</style></head><body><p>Hi Maria,</p><p>See <a href=\"https://acme.com/doc\">the doc</a>.</p></body></html>")
            .Bytes();

        var email = _parser.Parse(raw);

        Assert.Equal("Hi Maria,\n\nSee the doc (https://acme.com/doc).", email.TextBody);
        Assert.NotNull(email.HtmlBody);
        Assert.Equal(email.TextBody, email.NewText);
    }

    [Fact]
    public void Parse_Attachments_ListsMetadataWithoutContent_ByDefault()
    {
        var pdf = new byte[12_345];
        Random.Shared.NextBytes(pdf);
        var raw = new TestMessage().Text("See attached").Attach("contract.pdf", pdf, "application/pdf").Bytes();

        var email = _parser.Parse(raw);

        var attachment = Assert.Single(email.Attachments);
        Assert.Equal("contract.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType);
        Assert.Equal(12_345, attachment.Size);
        Assert.False(attachment.IsInline);
        Assert.Null(attachment.Content);
        Assert.Equal("See attached", email.TextBody);
    }

    [Fact]
    public void Parse_Attachments_KeepsContent_WhenAskedAndSmallEnough()
    {
        var small = Encoding.UTF8.GetBytes("id,name\n1,Acme\n");
        var large = new byte[5000];
        var raw = new TestMessage().Text("Two files")
            .Attach("small.csv", small, "text/csv")
            .Attach("large.bin", large)
            .Bytes();

        var email = _parser.Parse(raw, new MimeParseOptions { IncludeAttachmentContent = true, MaxAttachmentBytesKept = 1000 });

        Assert.Equal(2, email.Attachments.Count);
        Assert.Equal(small, email.Attachments[0].Content);
        Assert.Equal("text/csv", email.Attachments[0].ContentType);
        Assert.Null(email.Attachments[1].Content);
        Assert.Equal(5000, email.Attachments[1].Size);
        Assert.Equal("Two files", email.TextBody); // the csv is an attachment, not a body
    }

    [Fact]
    public void Parse_HugeAttachment_CountsSizeWithoutHoldingContent()
    {
        var big = new byte[8 * 1024 * 1024];
        var raw = new TestMessage().Text("Big one").Attach("dump.bin", big).Bytes();

        var email = _parser.Parse(raw);

        var attachment = Assert.Single(email.Attachments);
        Assert.Equal(big.Length, attachment.Size);
        Assert.Null(attachment.Content);
    }

    [Fact]
    public void Parse_InlineCidImage_IsInlineAttachmentWithContentId()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };
        var raw = new TestMessage()
            .Html("<p>Logo: <img src=\"cid:logo@acme\"></p>")
            .Inline("logo@acme", png)
            .Bytes();

        var email = _parser.Parse(raw, new MimeParseOptions { IncludeAttachmentContent = true });

        var image = Assert.Single(email.Attachments);
        Assert.True(image.IsInline);
        Assert.Equal("logo@acme", image.ContentId);
        Assert.Equal("image/png", image.ContentType);
        Assert.Equal(png, image.Content);
        Assert.Equal("Logo:", email.TextBody);
    }

    [Fact]
    public void Parse_DecodesEncodedWordSubject_InUtf8()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <a@b>
            Date: Mon, 2 Mar 2026 10:30:00 +0000
            From: =?UTF-8?Q?Jo=C3=A3o_Gon=C3=A7alves?= <joao@globex.com.br>
            Subject: =?UTF-8?B?UmVub3Zhw6fDo28gZG8gY29udHJhdG8=?=

            Oi
            """);

        var email = _parser.Parse(raw);

        Assert.Equal("Renovação do contrato", email.Subject);
        Assert.Equal("João Gonçalves", email.From[0].DisplayName);
    }

    [Fact]
    public void Parse_DecodesEncodedWordSubject_InLatin1()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <a@b>
            Date: Mon, 2 Mar 2026 10:30:00 +0000
            From: a@globex.es
            Subject: =?ISO-8859-1?Q?Cancelaci=F3n_del_servicio?= =?iso-8859-1?q?_ma=F1ana?=

            Hola
            """);

        var email = _parser.Parse(raw);

        Assert.Equal("Cancelación del servicio mañana", email.Subject);
    }

    [Theory]
    [InlineData("=?utf-8?B?not base64!!?=")]
    [InlineData("=?utf-8?Q?unterminated")]
    [InlineData("=?x-unknown?Q?caf=E9?=")]
    [InlineData("=??Q?empty_charset?=")]
    [InlineData("=?utf-8?X?bad_encoding?=")]
    public void Parse_BrokenEncodedWords_NeverThrow_AndKeepASubject(string subject)
    {
        var raw = TestMessage.Raw($"Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nSubject: {subject}\n\nBody\n");

        var email = _parser.Parse(raw);

        Assert.False(string.IsNullOrEmpty(email.Subject));
        Assert.Equal("Body", email.TextBody);
    }

    [Fact]
    public void Parse_BogusBodyCharset_FallsBackToWindows1252_WithWarning()
    {
        var raw = TestMessage.RawLatin1("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nContent-Type: text/plain; charset=x-unknown\nContent-Transfer-Encoding: 8bit\n\nOl\u00e1, a fatura est\u00e1 \u0080 100\n");

        var email = _parser.Parse(raw);

        Assert.Equal("Olá, a fatura está € 100", email.TextBody);
        Assert.Contains(email.Warnings, w => w.Contains("charset 'x-unknown' replaced with windows-1252", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BogusCharsetWithValidUtf8Bytes_DecodesAsUtf8()
    {
        var raw = TestMessage.Raw("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nContent-Type: text/plain; charset=\"bogus-8\"\nContent-Transfer-Encoding: 8bit\n\nGrüße aus München\n");

        var email = _parser.Parse(raw);

        Assert.Equal("Grüße aus München", email.TextBody);
        Assert.Contains(email.Warnings, w => w.Contains("unknown, decoded as utf-8", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Utf8LabelledBodyWithLatin1Bytes_IsRepaired()
    {
        var raw = TestMessage.RawLatin1("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nAten\u00e7\u00e3o\n");

        var email = _parser.Parse(raw);

        Assert.Equal("Atenção", email.TextBody);
        Assert.Contains(email.Warnings, w => w.Contains("windows-1252", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Raw8BitLatin1Headers_AreDecodedAsWindows1252_WithWarning()
    {
        var raw = TestMessage.RawLatin1("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: Jos\u00e9 P\u00e9rez <jose@globex.es>\nSubject: Reuni\u00f3n ma\u00f1ana\n\nHola\n");

        var email = _parser.Parse(raw);

        Assert.Equal("Reunión mañana", email.Subject);
        Assert.Equal("José Pérez", email.From[0].DisplayName);
        Assert.Contains(email.Warnings, w => w.Contains("8-bit header", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Raw8BitUtf8Headers_AreDecodedAsUtf8_WithoutWarning()
    {
        var raw = TestMessage.Raw("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: João <joao@globex.com.br>\nSubject: Reunião amanhã\n\nOi\n");

        var email = _parser.Parse(raw);

        Assert.Equal("Reunião amanhã", email.Subject);
        Assert.Equal("João", email.From[0].DisplayName);
        Assert.Empty(email.Warnings);
    }

    [Fact]
    public void Parse_MissingMessageId_SynthesisesStableId()
    {
        const string Body = "Date: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nTo: c@d.com\nSubject: No id\n\nHello\n";
        var first = _parser.Parse(TestMessage.Raw(Body));
        var again = _parser.Parse(TestMessage.Raw(Body));
        var otherMailboxCopy = _parser.Parse(TestMessage.Raw("Received: from mx1 by mx2; Mon, 2 Mar 2026 10:31:00 +0000\nDelivered-To: c@d.com\n" + Body));
        var different = _parser.Parse(TestMessage.Raw(Body.Replace("Hello", "Goodbye", StringComparison.Ordinal)));

        Assert.True(first.MessageIdSynthesised);
        Assert.EndsWith("@synthetic.emailsync.invalid", first.MessageId, StringComparison.Ordinal);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(first.MessageId, otherMailboxCopy.MessageId);
        Assert.NotEqual(first.MessageId, different.MessageId);
        Assert.Contains(first.Warnings, w => w.Contains("missing Message-ID", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MissingDate_ReturnsNullDateWithWarning()
    {
        var email = _parser.Parse(TestMessage.Raw("Message-ID: <a@b>\nFrom: a@b.com\nSubject: x\n\nBody\n"));

        Assert.Null(email.Date);
        Assert.Contains("missing Date header", email.Warnings);
    }

    [Fact]
    public void Parse_MissingDate_FallsBackToNewestReceivedHeader()
    {
        var email = _parser.Parse(TestMessage.Raw("Received: from mx.globex.com by mx.google.com;\n Tue, 3 Mar 2026 08:00:05 -0800\nReceived: from laptop by mx.globex.com; Tue, 3 Mar 2026 07:59:00 -0800\nMessage-ID: <a@b>\nFrom: a@b.com\n\nBody\n"));

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 8, 0, 5, TimeSpan.FromHours(-8)), email.Date);
        Assert.Contains("missing Date header", email.Warnings);
        Assert.Contains("date taken from the Received header", email.Warnings);
    }

    [Fact]
    public void Parse_UnparsableDate_ReturnsNullDateWithWarning()
    {
        var email = _parser.Parse(TestMessage.Raw("Message-ID: <a@b>\nDate: sometime last week\nFrom: a@b.com\n\nBody\n"));

        Assert.Null(email.Date);
        Assert.Contains("unparsable Date header", email.Warnings);
    }

    [Fact]
    public void Parse_BoundaryNeverUsed_DoesNotThrowAndKeepsWhatItCan()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <a@b>
            Date: Mon, 2 Mar 2026 10:30:00 +0000
            From: a@b.com
            Subject: broken
            Content-Type: multipart/mixed; boundary="declared-but-missing"

            --some-other-boundary
            Content-Type: text/plain

            Text that is not in a proper part
            --some-other-boundary--
            """);

        var email = _parser.Parse(raw);

        Assert.Equal("broken", email.Subject);
        Assert.Contains("Text that is not in a proper part", email.TextBody, StringComparison.Ordinal);
        Assert.Contains(email.Warnings, w => w.Contains("missing or wrong boundary", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MultipartWithoutBoundaryParameter_DoesNotThrow()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <a@b>
            Date: Mon, 2 Mar 2026 10:30:00 +0000
            From: a@b.com
            Content-Type: multipart/alternative

            Just some text after all
            """);

        var email = _parser.Parse(raw);

        Assert.Equal("a@b", email.MessageId);
        Assert.Equal("Just some text after all", email.TextBody);
    }

    [Fact]
    public void Parse_UnterminatedMultipart_KeepsFirstPart()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <a@b>
            Date: Mon, 2 Mar 2026 10:30:00 +0000
            From: a@b.com
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8

            First part survives
            --b1
            Content-Type: application/pdf; name="cut.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            """);

        var email = _parser.Parse(raw);

        Assert.Equal("First part survives", email.TextBody);
        Assert.Equal("cut.pdf", Assert.Single(email.Attachments).FileName);
    }

    [Fact]
    public void Parse_DeepNesting_IsCappedWithWarning()
    {
        var sb = new StringBuilder("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
        const int Depth = 300;
        for (var i = 0; i < Depth; i++)
        {
            sb.Append($"--b{i}\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\n\n");
        }

        sb.Append($"--b{Depth}\nContent-Type: text/plain\n\ndeep text\n--b{Depth}--\n");
        for (var i = Depth - 1; i >= 0; i--)
        {
            sb.Append($"--b{i}--\n");
        }

        var email = _parser.Parse(TestMessage.Raw(sb.ToString()), new MimeParseOptions { MaxNestingDepth = 32 });

        Assert.Contains("nesting capped at 32", email.Warnings);
        Assert.Equal("a@b", email.MessageId);
    }

    [Fact]
    public void Parse_HugeHeaderBlock_IsCappedWithWarning_AndBodyStillParsed()
    {
        var sb = new StringBuilder("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nSubject: big header\n");
        for (var i = 0; i < 20_000; i++)
        {
            sb.Append($"X-Junk-{i}: {new string('x', 60)}\n");
        }

        sb.Append("\nThe body\n");

        var email = _parser.Parse(TestMessage.Raw(sb.ToString()), new MimeParseOptions { MaxHeaderBytes = 64 * 1024 });

        Assert.Contains(email.Warnings, w => w.StartsWith("header block truncated at 65536 bytes", StringComparison.Ordinal));
        Assert.Equal("big header", email.Subject);
        Assert.Equal("The body", email.TextBody);
    }

    [Fact]
    public void Parse_GiantHtmlBody_IsTruncatedWithWarning()
    {
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<p>Lorem ipsum dolor sit amet</p>", 200_000)) + "</body></html>";
        var raw = new TestMessage().Html(html).Bytes();

        var email = _parser.Parse(raw, new MimeParseOptions { MaxBodyChars = 100_000 });

        Assert.NotNull(email.HtmlBody);
        Assert.True(email.HtmlBody.Length <= 100_000);
        Assert.Contains(email.Warnings, w => w.Contains("html body truncated", StringComparison.Ordinal));
        Assert.StartsWith("Lorem ipsum dolor sit amet", email.TextBody, StringComparison.Ordinal);
        Assert.True(email.TextBody.Length <= 100_000);
    }

    [Theory]
    [InlineData("List-Unsubscribe", "<mailto:unsub@news.example.com>")]
    [InlineData("List-Id", "Product news <news.example.com>")]
    [InlineData("Precedence", "bulk")]
    [InlineData("Precedence", "list")]
    [InlineData("Precedence", "junk")]
    public void Parse_FlagsBulkMail(string header, string value)
    {
        var email = _parser.Parse(new TestMessage().Header(header, value).Text("News").Bytes());

        Assert.True(email.IsBulk);
    }

    [Fact]
    public void Parse_DoesNotFlagPersonalMailAsBulkOrAutomated()
    {
        var email = _parser.Parse(new TestMessage().Header("Auto-Submitted", "no").Text("Personal").Bytes());

        Assert.False(email.IsBulk);
        Assert.False(email.IsAutomated);
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", "maria@globex.com")]
    [InlineData("Auto-Submitted", "auto-generated", "maria@globex.com")]
    [InlineData("X-Autoreply", "yes", "maria@globex.com")]
    [InlineData("Precedence", "auto_reply", "maria@globex.com")]
    [InlineData("X-Other", "1", "noreply@globex.com")]
    [InlineData("X-Other", "1", "no-reply@accounts.globex.com")]
    [InlineData("X-Other", "1", "MAILER-DAEMON@mx.globex.com")]
    [InlineData("X-Other", "1", "postmaster@globex.com")]
    public void Parse_FlagsAutomatedMail(string header, string value, string from)
    {
        var email = _parser.Parse(new TestMessage().From("Robot", from).Header(header, value).Text("Auto").Bytes());

        Assert.True(email.IsAutomated);
    }

    [Fact]
    public void Parse_FlagsCalendarInvite()
    {
        var calendar = new TextPart("calendar") { Text = "BEGIN:VCALENDAR\nMETHOD:REQUEST\nEND:VCALENDAR" };
        calendar.ContentType.Parameters.Add("method", "REQUEST");
        var raw = new TestMessage().Text("Invitation: QBR").Part(calendar).Bytes();

        var email = _parser.Parse(raw);

        Assert.True(email.IsCalendarInvite);
        Assert.Equal("Invitation: QBR", email.TextBody);
    }

    [Fact]
    public void Parse_FlattensGroupAddresses_AndIgnoresEmptyGroups()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <a@b>
            Date: Mon, 2 Mar 2026 10:30:00 +0000
            From: a@b.com
            To: Team: Ann <ann@acme.com>, bob@acme.com;, carol@globex.com
            Cc: undisclosed-recipients:;

            Hi
            """);

        var email = _parser.Parse(raw);

        Assert.Equal(["ann@acme.com", "bob@acme.com", "carol@globex.com"], email.To.Select(a => a.Address));
        Assert.Empty(email.Cc);
        Assert.Empty(email.Warnings);
    }

    [Fact]
    public void Parse_SkipsInvalidAddresses_WithWarning()
    {
        var raw = TestMessage.Raw("""
            Message-ID: <a@b>
            Date: Mon, 2 Mar 2026 10:30:00 +0000
            From: a@b.com
            To: good@acme.com, "No domain" <nodomain>, dup@acme.com, DUP@acme.com

            Hi
            """);

        var email = _parser.Parse(raw);

        Assert.Equal(["good@acme.com", "dup@acme.com"], email.To.Select(a => a.Address));
        Assert.Contains(email.Warnings, w => w.Contains("invalid address", StringComparison.Ordinal) && w.Contains("nodomain", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TnefWinmailDat_IsTreatedAsAttachment()
    {
        var tnef = new MimePart("application", "ms-tnef")
        {
            Content = new MimeContent(new MemoryStream([0x78, 0x9F, 0x3E, 0x22, 0, 0])),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = "winmail.dat",
        };
        var raw = new TestMessage().Text("From Outlook").Part(tnef).Bytes();

        var email = _parser.Parse(raw);

        var attachment = Assert.Single(email.Attachments);
        Assert.Equal("winmail.dat", attachment.FileName);
        Assert.Equal("application/ms-tnef", attachment.ContentType);
        Assert.Equal(6, attachment.Size);
    }

    [Fact]
    public void Parse_ForwardedMessageRfc822_IsAttachmentNotBody()
    {
        var inner = new TestMessage().Subject("Original question").Text("Inner body").Build();
        var raw = new TestMessage().Text("Forwarding this").Part(new MessagePart { Message = inner }).Bytes();

        var email = _parser.Parse(raw, new MimeParseOptions { IncludeAttachmentContent = true });

        Assert.Equal("Forwarding this", email.TextBody);
        var attachment = Assert.Single(email.Attachments);
        Assert.Equal("Original question.eml", attachment.FileName);
        Assert.Equal("message/rfc822", attachment.ContentType);
        Assert.True(attachment.Size > 0);
        Assert.NotNull(attachment.Content);
        Assert.Contains("Inner body", Encoding.UTF8.GetString(attachment.Content), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("not a message at all")]
    [InlineData("Content-Type: multipart/mixed; boundary=\n\n--\n--\n")]
    [InlineData(": : :\n\n")]
    public void Parse_Garbage_NeverThrows(string input)
    {
        var email = _parser.Parse(TestMessage.Raw(input));
        var again = _parser.Parse(TestMessage.Raw(input));

        Assert.False(string.IsNullOrEmpty(email.MessageId));
        Assert.Equal(email.MessageId, again.MessageId);
        Assert.True(email.MessageIdSynthesised);
        Assert.Null(email.Date);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrow()
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 4000)];
            random.NextBytes(bytes);
            var email = _parser.Parse(bytes);
            Assert.NotNull(email.MessageId);
        }
    }

    [Fact]
    public void Parse_Stream_GivesSameResultAsBytes()
    {
        var raw = new TestMessage().Text("Same").Attach("a.txt", [1, 2, 3]).Bytes();

        var fromBytes = _parser.Parse(raw);
        using var stream = new MemoryStream(raw);
        var fromStream = _parser.Parse(stream);

        Assert.Equal(fromBytes.MessageId, fromStream.MessageId);
        Assert.Equal(fromBytes.TextBody, fromStream.TextBody);
        Assert.Equal(fromBytes.Attachments, fromStream.Attachments);
    }

    [Fact]
    public void Parse_FormatFlowedText_IsUnwrapped()
    {
        var raw = TestMessage.Raw("Message-ID: <a@b>\nDate: Mon, 2 Mar 2026 10:30:00 +0000\nFrom: a@b.com\nContent-Type: text/plain; charset=utf-8; format=flowed\n\nThis is a long line that was \nwrapped by the client.\n\nNew paragraph.\n");

        var email = _parser.Parse(raw);

        Assert.Equal("This is a long line that was wrapped by the client.\n\nNew paragraph.", email.TextBody);
    }

    [Fact]
    public void Parse_GmailReply_SeparatesNewTextFromQuotedHistory()
    {
        var raw = new TestMessage()
            .Text("Yes, Tuesday works.\n\nOn Mon, Mar 2, 2026 at 10:30 AM CSM <csm@acme.com> wrote:\n> Can we meet on Tuesday?\n> Thanks\n")
            .Html("""<div dir="ltr">Yes, Tuesday works.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Mar 2, 2026 at 10:30 AM CSM &lt;<a href="mailto:csm@acme.com">csm@acme.com</a>&gt; wrote:<br></div><blockquote class="gmail_quote">Can we meet on Tuesday?<br>Thanks</blockquote></div>""")
            .Bytes();

        var email = _parser.Parse(raw);

        Assert.Equal("Yes, Tuesday works.", email.NewText);
        Assert.Contains("Can we meet on Tuesday?", email.QuotedText, StringComparison.Ordinal);
        Assert.Equal("Yes, Tuesday works.", email.Snippet);
    }

    [Fact]
    public void Parse_GmailHtmlOnlyReply_UsesQuoteContainer()
    {
        var raw = new TestMessage()
            .Html("""<div dir="ltr">Perfeito, obrigado!<div><br></div><div class="gmail_quote gmail_quote_container"><div class="gmail_attr">Em seg., 2 de mar. de 2026 às 10:30, CSM escreveu:</div><blockquote class="gmail_quote">Segue a proposta.</blockquote></div></div>""")
            .Bytes();

        var email = _parser.Parse(raw);

        Assert.Equal("Perfeito, obrigado!", email.NewText);
        Assert.Contains("Segue a proposta.", email.QuotedText, StringComparison.Ordinal);
        Assert.DoesNotContain('\uE000', email.TextBody);
        Assert.Contains("> Segue a proposta.", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OutlookHtmlReply_UsesReplyHeaderContainer()
    {
        var raw = new TestMessage()
            .Html("""<div>We are cancelling the contract.</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> CSM &lt;csm@acme.com&gt;<br><b>Sent:</b> Monday, March 2, 2026 10:30 AM<br><b>To:</b> Maria<br><b>Subject:</b> Renewal</div><div>How is everything going?</div>""")
            .Bytes();

        var email = _parser.Parse(raw);

        Assert.Equal("We are cancelling the contract.", email.NewText);
        Assert.Contains("How is everything going?", email.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OutlookDesktopHtmlReply_StripsFromSentBlock()
    {
        var raw = new TestMessage()
            .Html("""<div class="WordSection1"><p class="MsoNormal">Tenemos un problema crítico con la facturación.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p class="MsoNormal"><b>De:</b> CSM &lt;csm@acme.com&gt;<br><b>Enviado el:</b> lunes, 2 de marzo de 2026 10:30<br><b>Para:</b> Juan<br><b>Asunto:</b> Factura</p></div><p class="MsoNormal">¿Todo bien con la factura?</p></div>""")
            .Bytes();

        var email = _parser.Parse(raw);

        Assert.Equal("Tenemos un problema crítico con la facturación.", email.NewText);
        Assert.Contains("¿Todo bien con la factura?", email.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SnippetIsCollapsedAndAbout200Chars()
    {
        var words = string.Join("   \n ", Enumerable.Repeat("renewal", 100));
        var email = _parser.Parse(new TestMessage().Text(words).Bytes());

        Assert.True(email.Snippet.Length <= 201);
        Assert.EndsWith("…", email.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("  ", email.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', email.Snippet);
    }

    [Fact]
    public void Parse_IsThreadSafe_UnderParallelUse()
    {
        var raw = new TestMessage().Text("Parallel").Html("<p>Parallel</p>").Attach("x.bin", new byte[100]).Bytes();

        var results = new ParsedEmail[200];
        Parallel.For(0, results.Length, i => results[i] = _parser.Parse(raw));

        Assert.All(results, r => Assert.Equal("Parallel", r.TextBody));
    }
}
