using System.Text;
using MimeKit;

namespace EmailSync.Tests.Mime;

/// <summary>A small fluent builder for test messages, written with MimeKit.</summary>
internal sealed class TestMessage
{
    private readonly MimeMessage _message = new();
    private readonly BodyBuilder _body = new();
    private readonly List<MimeEntity> _extraParts = [];

    public TestMessage()
    {
        _message.MessageId = "test-1@example.com";
        _message.Date = new DateTimeOffset(2026, 3, 2, 10, 30, 0, TimeSpan.FromHours(-3));
        _message.From.Add(new MailboxAddress("Maria Silva", "maria@globex.com"));
        _message.To.Add(new MailboxAddress("CSM", "csm@acme.com"));
        _message.Subject = "Renewal";
    }

    public TestMessage From(string name, string address)
    {
        _message.From.Clear();
        _message.From.Add(new MailboxAddress(name, address));
        return this;
    }

    public TestMessage Subject(string subject)
    {
        _message.Subject = subject;
        return this;
    }

    public TestMessage Header(string name, string value)
    {
        _message.Headers.Add(name, value);
        return this;
    }

    public TestMessage Text(string text)
    {
        _body.TextBody = text;
        return this;
    }

    public TestMessage Html(string html)
    {
        _body.HtmlBody = html;
        return this;
    }

    public TestMessage Attach(string fileName, byte[] content, string contentType = "application/octet-stream")
    {
        _body.Attachments.Add(fileName, content, ContentType.Parse(contentType));
        return this;
    }

    public TestMessage Inline(string contentId, byte[] content, string contentType = "image/png")
    {
        var resource = _body.LinkedResources.Add("logo.png", content, ContentType.Parse(contentType));
        resource.ContentId = contentId;
        return this;
    }

    public TestMessage Part(MimeEntity part)
    {
        _extraParts.Add(part);
        return this;
    }

    public MimeMessage Build()
    {
        var body = _body.ToMessageBody();
        if (_extraParts.Count > 0)
        {
            var mixed = new Multipart("mixed") { body };
            foreach (var part in _extraParts)
            {
                mixed.Add(part);
            }

            body = mixed;
        }

        _message.Body = body;
        return _message;
    }

    public byte[] Bytes()
    {
        using var stream = new MemoryStream();
        Build().WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Raw message text with CRLF line endings, as UTF-8 bytes.</summary>
    public static byte[] Raw(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));

    /// <summary>Raw message text with CRLF line endings, each char one byte (latin1) — for 8-bit test input.</summary>
    public static byte[] RawLatin1(string text) => Encoding.Latin1.GetBytes(text.ReplaceLineEndings("\r\n"));
}
