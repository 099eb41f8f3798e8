using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Sync;
using EmailSync.GmailEmulator.Control;
using EmailSync.Tests.Sync;
using EmailSync.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Tests.Replies;

/// <summary>The real app and its emulator with the scheduler off: tests sync turn by turn, then reply.</summary>
public class ReplyAppFactory : SyncAppFactory
{
    public const string Csm = "maria@northwind.example";
    public const string CustomerDomain = "acme-corp.example";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Sync:Enabled"] = "false",
        ["GmailEmulator:MessagesPerMailbox"] = "20",
    };

    /// <summary>Connects a demo user's Gmail with the given scopes (as consent would), without syncing yet.</summary>
    public Task<long> ConnectWithScopesAsync(string email, params string[] scopes) => ConnectAsync(email, trigger: false, scopes: scopes);

    public async Task SyncToEndAsync(long connectionId)
    {
        for (var turn = 0; turn < 30; turn++)
        {
            await using (var db = CreateSystemContext())
            {
                await db.MailboxConnections.Where(c => c.Id == connectionId)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.NextAttemptAt, (DateTimeOffset?)null).SetProperty(c => c.SyncRequestedAt, DateTimeOffset.UtcNow));
            }

            if (await RunOnceAsync(connectionId) == SyncRunOutcome.Done)
            {
                return;
            }
        }

        throw new TimeoutException("Sync did not finish in 30 turns.");
    }

    public async Task<(Guid Organization, string UserId)> DemoIdsAsync(string email)
    {
        await using var db = CreateSystemContext();
        var org = await db.Organizations.Where(o => o.Name == DemoOptions.OrganizationName).Select(o => o.Id).SingleAsync();
        var user = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        return (org, user);
    }

    /// <summary>A customer thread in the CSM's mailbox: a question to the team alias, then a follow-up in the same thread.</summary>
    public async Task<(DeliveredMessage First, DeliveredMessage Second)> DeliverCustomerThreadAsync(string subject = "Renewal question")
    {
        var first = await Emulator.DeliverMessageAsync(Csm, new DeliverRequest
        {
            RawText = $"""
                From: Maria Ortiz <maria.ortiz@{CustomerDomain}>
                To: success@northwind.example
                Cc: Bob Stone <bob@{CustomerDomain}>
                Subject: {subject}
                Message-ID: <q1-{Guid.NewGuid():N}@{CustomerDomain}>
                Date: {DateTimeOffset.UtcNow.AddHours(-2):R}
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b1"

                --b1
                Content-Type: text/plain; charset=utf-8

                Hi team, can we talk about the renewal terms?
                --b1
                Content-Type: application/pdf; name="terms.pdf"
                Content-Disposition: attachment; filename="terms.pdf"
                Content-Transfer-Encoding: base64

                JVBERi0xLjQKdGVybXMK
                --b1--
                """.ReplaceLineEndings("\r\n"),
        });
        var firstId = (await Emulator.GetMessagesAsync(Csm)).Single(m => m.Id == first.Id).MessageIdHeader!;
        var second = await Emulator.DeliverMessageAsync(Csm, new DeliverRequest
        {
            From = $"Maria Ortiz <maria.ortiz@{CustomerDomain}>",
            To = ["success@northwind.example"],
            Cc = [$"Bob Stone <bob@{CustomerDomain}>"],
            Subject = "Re: " + subject,
            Body = "Following up: we need an answer by Friday.",
            InReplyTo = firstId,
            ThreadId = first.ThreadId,
        });
        return (first, second);
    }
}
