using EmailSync.Core.Customers;
using EmailSync.Core.Organizations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ValidationContext = System.ComponentModel.DataAnnotations.ValidationContext;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EmailSync.Tests.Web.Settings;

/// <summary>The SMTP path of alias verification codes, against a minimal scripted SMTP server on loopback.</summary>
public sealed class AliasCodeSenderTests
{
    [Fact]
    public async Task Smtp_SendsTheCodeToTheAlias()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var received = RunServerAsync(server);

        var sender = new SmtpAliasCodeSender(
            Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = port, UseTls = false, From = "EmailSync <no-reply@northwind.example>" }),
            NullLogger<SmtpAliasCodeSender>.Instance);
        await sender.SendAsync(new AliasCode("billing@northwind.example", "123456", "Northwind", TimeSpan.FromHours(24)), CancellationToken.None);

        var transcript = await received.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("RCPT TO:<billing@northwind.example>", transcript, StringComparison.Ordinal);
        Assert.Contains("Subject: EmailSync verification code: 123456", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtp_Unreachable_GivesAMessageToActOn()
    {
        var sender = new SmtpAliasCodeSender(
            Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = 1, UseTls = false, From = "no-reply@northwind.example" }),
            NullLogger<SmtpAliasCodeSender>.Instance);
        var error = await Assert.ThrowsAsync<ValidationException>(() => sender.SendAsync(new AliasCode("a@b.example", "123456", "N", TimeSpan.FromHours(1)), CancellationToken.None));
        Assert.Contains("could not be mailed to a@b.example", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpOptions_NeedASenderAddress_OnlyWhenAHostIsSet()
    {
        Assert.Empty(new SmtpOptions().Validate(new ValidationContext(new object())));
        var problem = Assert.Single(new SmtpOptions { Host = "smtp.example" }.Validate(new ValidationContext(new object())));
        Assert.Contains("Smtp:From", problem.ErrorMessage, StringComparison.Ordinal);
    }

    private static async Task<string> RunServerAsync(TcpListener server)
    {
        using var client = await server.AcceptTcpClientAsync();
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var transcript = new StringBuilder();
        await writer.WriteLineAsync("220 test ESMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            transcript.AppendLine(line);
            var verb = line.Split(' ', ':')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO":
                    await writer.WriteLineAsync("250 test");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 go ahead");
                    while (await reader.ReadLineAsync() is { } data && data != ".")
                    {
                        transcript.AppendLine(data);
                    }

                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return transcript.ToString();
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }

        return transcript.ToString();
    }
}
