using EmailSync.Core.Customers;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Replies;
using EmailSync.Core.Timeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace EmailSync.Tests.Replies;

/// <summary>
/// Replying end to end: sync a customer thread from the emulator, reply from the timeline's service, and check
/// what Gmail holds (SENT, same thread, In-Reply-To/References) and that the timeline shows the reply once,
/// also after sync sees it.
/// </summary>
public sealed class ReplyThroughEmulatorTests(ReplyAppFactory app) : IClassFixture<ReplyAppFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        await app.Emulator.ClearFaultsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(Guid Org, string UserId, long Connection, long CustomerId, long SecondId, DeliveredIds Gmail)> ArrangeAsync(params string[] scopes)
    {
        var (org, userId) = await app.DemoIdsAsync(ReplyAppFactory.Csm);
        long customerId;
        await using (var scope = app.CreateTenantScope(org, userId))
        {
            customerId = (await scope.ServiceProvider.GetRequiredService<CustomerService>().CreateAsync("Acme Corp", [ReplyAppFactory.CustomerDomain])).Id;
        }

        var (first, second) = await app.DeliverCustomerThreadAsync($"Renewal question {Guid.NewGuid():N}"[..30]);
        var connection = await app.ConnectWithScopesAsync(ReplyAppFactory.Csm, scopes.Length == 0 ? [GmailScopes.Readonly, GmailScopes.Send] : scopes);
        await app.SyncToEndAsync(connection);

        await using var db = app.CreateSystemContext();
        var secondId = await db.EmailSources.Where(s => s.GmailMessageId == second.Id).Select(s => s.EmailMessageId).SingleAsync();
        return (org, userId, connection, customerId, secondId, new DeliveredIds(first.Id, second.Id, first.ThreadId));
    }

    private sealed record DeliveredIds(string First, string Second, string Thread);

    [Fact]
    public async Task ReplyAll_LandsInGmailSent_InTheSameThread_WithReferences_AndShowsOnceOnTheTimeline_EvenAfterSync()
    {
        var (org, userId, connection, customerId, secondId, gmail) = await ArrangeAsync();
        var before = (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Select(m => m.Id).ToHashSet();

        SendOutcome outcome;
        await using (var scope = app.CreateTenantScope(org, userId, isAdmin: false))
        {
            var timeline = scope.ServiceProvider.GetRequiredService<TimelineService>();
            var thread = Assert.Single((await timeline.GetPageAsync(customerId)).Threads, t => t.Key == gmail.Thread);
            Assert.Equal(2, thread.MessageCount);
            Assert.Equal(secondId, thread.Latest.Id);

            // The attachment is not stored: it comes from Gmail on demand through the owner's connection.
            var first = (await timeline.GetThreadAsync(customerId, thread.Key))[0];
            var pdf = Assert.Single(first.ListedAttachments);
            Assert.False(pdf.ContentStored);
            var download = await scope.ServiceProvider.GetRequiredService<AttachmentContentService>().GetAsync(pdf.Id);
            Assert.True(download.Succeeded, download.Message);
            Assert.Equal("%PDF-1.4\nterms\n", System.Text.Encoding.ASCII.GetString(download.Content!));

            var replies = scope.ServiceProvider.GetRequiredService<ReplyService>();
            Assert.True((await replies.GetAvailabilityAsync()).CanSend);
            var form = (await replies.PrepareAsync(secondId, replyAll: true, TimeZoneInfo.Utc))!;
            Assert.Equal(ReplyAppFactory.Csm, form.From);
            Assert.Equal([$"Maria Ortiz <maria.ortiz@{ReplyAppFactory.CustomerDomain}>"], form.To);
            Assert.Equal(["success@northwind.example", $"Bob Stone <bob@{ReplyAppFactory.CustomerDomain}>"], form.Cc);
            Assert.StartsWith("Re: Renewal question", form.Subject, StringComparison.Ordinal);
            Assert.Contains("> Following up: we need an answer by Friday.", form.Quote, StringComparison.Ordinal);

            form.Body = "Hi Maria, Friday works. Here are the new terms.";
            outcome = await replies.SendAsync(form);
            Assert.True(outcome.Succeeded, outcome.Message);
            Assert.NotNull(outcome.StoredMessageId);

            // At once on the timeline, in the same thread, as a sent email.
            var after = Assert.Single((await timeline.GetPageAsync(customerId)).Threads, t => t.Key == gmail.Thread);
            Assert.Equal(3, after.MessageCount);
            Assert.Equal(outcome.StoredMessageId, after.Latest.Id);
            Assert.Equal(EmailDirection.Outbound, after.Latest.Direction);
        }

        // Gmail: in SENT, in the original thread, threaded by In-Reply-To/References.
        var sent = Assert.Single(await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm), m => !before.Contains(m.Id) && m.LabelIds.Contains("SENT"));
        Assert.Equal(gmail.Thread, sent.ThreadId);
        MimeMessage mime;
        string originalRfc, firstRfc;
        await using (var db = app.CreateSystemContext())
        {
            var mailbox = await db.MailboxConnections.SingleAsync(c => c.Id == connection);
            using var client = app.Services.GetRequiredService<GmailClientFactory>().Create(mailbox);
            var raw = (await client.GetRawAsync([sent.Id], CancellationToken.None)).Single().Raw!;
            mime = MimeMessage.Load(new MemoryStream(raw));
            originalRfc = await db.EmailMessages.Where(m => m.Id == secondId).Select(m => m.RfcMessageId).SingleAsync();
            firstRfc = await db.EmailSources.Where(s => s.GmailMessageId == gmail.First).Select(s => s.EmailMessageId)
                .Join(db.EmailMessages, id => id, m => m.Id, (_, m) => m.RfcMessageId).SingleAsync();
        }

        Assert.Equal(originalRfc, mime.InReplyTo);
        Assert.Equal([firstRfc, originalRfc], mime.References.ToArray());
        Assert.Equal(ReplyAppFactory.Csm, mime.From.Mailboxes.Single().Address);
        Assert.Contains("Friday works", mime.TextBody, StringComparison.Ordinal);

        // Sync sees the sent message (it is in scope: the alias is in Cc) and does not import it twice.
        // (The emulator keeps mail between tests; every assertion below is about this test's thread.)
        await app.SyncToEndAsync(connection);
        await using (var db = app.CreateSystemContext())
        {
            var rfc = mime.MessageId;
            Assert.Equal(1, await db.EmailMessages.CountAsync(m => m.RfcMessageId == rfc));
            Assert.Equal(1, await db.EmailSources.CountAsync(s => s.GmailMessageId == sent.Id));
            Assert.Equal(sent.ThreadId, await db.EmailSources.Where(s => s.GmailMessageId == sent.Id).Select(s => s.GmailThreadId).SingleAsync());
            Assert.False(await db.ReplyDrafts.AnyAsync());
            Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "reply.sent" && a.UserId == userId));
        }

        await using (var scope = app.CreateTenantScope(org, userId, isAdmin: false))
        {
            var timeline = scope.ServiceProvider.GetRequiredService<TimelineService>();
            var emails = await timeline.GetThreadAsync(customerId, gmail.Thread);
            Assert.Equal(3, emails.Count);
            Assert.Single(emails, e => e.Id == outcome.StoredMessageId);
        }
    }

    [Fact]
    public async Task Failures_KeepTheDraft_SayWhatHappened_WithATraceId_AndSendNothing()
    {
        var (org, userId, _, _, secondId, _) = await ArrangeAsync();
        var sentBefore = (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Count(m => m.LabelIds.Contains("SENT"));
        await using var scope = app.CreateTenantScope(org, userId, isAdmin: false);
        var replies = scope.ServiceProvider.GetRequiredService<ReplyService>();
        var drafts = scope.ServiceProvider.GetRequiredService<ReplyDraftService>();
        var form = (await replies.PrepareAsync(secondId, replyAll: false, TimeZoneInfo.Utc))!;
        form.Body = "Draft that must survive.";

        // Quota: Gmail keeps answering 429.
        await app.Emulator.InjectFaultAsync("messages.send", count: 50, status: 429);
        var quota = await replies.SendAsync(form);
        Assert.Equal(SendFailure.Quota, quota.Failure);
        Assert.Matches("^[0-9a-f]{32}$", quota.TraceId!);
        var draft = await drafts.GetAsync(secondId);
        Assert.Equal("Draft that must survive.", draft!.Body);
        Assert.Equal(quota.TraceId, draft.LastErrorTraceId);
        await app.Emulator.ClearFaultsAsync();

        // Network: the connection drops every time.
        await app.Emulator.InjectFaultAsync("messages.send", count: 50, drop: true);
        var network = await replies.SendAsync(form);
        Assert.Equal(SendFailure.Network, network.Failure);
        await app.Emulator.ClearFaultsAsync();

        // Revoked access: the refresh token no longer works.
        await app.Emulator.RevokeAllTokensAsync(ReplyAppFactory.Csm);
        var revoked = await replies.SendAsync(form);
        Assert.Equal(SendFailure.AccessRevoked, revoked.Failure);
        Assert.Contains("Reconnect Gmail", revoked.Message, StringComparison.Ordinal);

        // A reload finds the draft, restored into the composer.
        var reloaded = (await replies.PrepareAsync(secondId, replyAll: false, TimeZoneInfo.Utc))!;
        Assert.True(reloaded.FromDraft);
        Assert.Equal("Draft that must survive.", reloaded.Body);
        Assert.Equal(revoked.TraceId, reloaded.LastErrorTraceId);
        Assert.Equal(sentBefore, (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Count(m => m.LabelIds.Contains("SENT")));
    }

    [Fact]
    public async Task WithoutTheSendScope_ReplyExplainsWhatToDo_AndCannotSend()
    {
        var (org, userId, _, _, secondId, _) = await ArrangeAsync(GmailScopes.Readonly);
        var sentBefore = (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Count(m => m.LabelIds.Contains("SENT"));
        await using var scope = app.CreateTenantScope(org, userId, isAdmin: false);
        var replies = scope.ServiceProvider.GetRequiredService<ReplyService>();
        var availability = await replies.GetAvailabilityAsync();
        Assert.Equal(ReplyReadiness.NoSendAccess, availability.Readiness);
        Assert.Contains("Reply from EmailSync", availability.Explanation, StringComparison.Ordinal);

        var form = (await replies.PrepareAsync(secondId, replyAll: false, TimeZoneInfo.Utc))!;
        form.Body = "Hello";
        var outcome = await replies.SendAsync(form);
        Assert.Equal(SendFailure.NotAllowed, outcome.Failure);
        Assert.Equal(sentBefore, (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Count(m => m.LabelIds.Contains("SENT")));
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<ReplyDraftService>().GetAsync(secondId));
    }
}
