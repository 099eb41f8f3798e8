using Bunit;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Replies;
using EmailSync.Tests.Infrastructure;
using EmailSync.Tests.Timeline;
using EmailSync.Web.Components.Pages.Customers.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace EmailSync.Tests.Web.Customers;

/// <summary>The composer: prefilled reply, validation, the promise that nothing is sent before Send, drafts, one send per click.</summary>
public sealed class ReplyComposerTests(WebAppFactory app) : CustomerComponentTestBase, IClassFixture<WebAppFactory>
{
    private readonly TimelineSeed seed = new(app);
    private readonly RecordingSender sender = new();
    private long messageId;
    private long connectionId;
    private IRenderedComponent<MudDialogProvider>? providers;

    public override async Task InitializeAsync()
    {
        await app.ResetAsync();
        await seed.ForDemoOrganizationAsync();
        var acme = await seed.CustomerAsync("Acme", ["acme.com"]);
        messageId = (await seed.Email("Pricing question").RfcId("p1@acme.com").From("maria@acme.com", "Maria Ortiz").To("success@northwind.example")
            .Cc("bob@acme.com", "Bob").InThread("pricing").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync()).Id;
        await using var db = app.CreateSystemContext();
        var user = await db.Users.SingleAsync(u => u.Email == Accounts.Csm);
        var connection = new MailboxConnection
        {
            UserId = user.Id,
            GoogleAccount = Accounts.Csm,
            GrantedScopes = $"{GmailScopes.Readonly} {GmailScopes.Send}",
            EncryptedRefreshToken = "not-used-the-sender-is-recorded",
            Status = MailboxStatus.Active,
        };
        db.MailboxConnections.Add(connection);
        await db.SaveChangesAsync();
        connectionId = connection.Id;

        var services = UseApp(app, seed.OrganizationId, user.Id);
        Services.AddScoped(_ => ActivatorUtilities.CreateInstance<ReplyService>(services, sender));
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, Task<DialogResult?> Result)> OpenAsync(bool replyAll = false)
    {
        var provider = providers ??= RenderProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<ReplyDialog> { { d => d.MessageId, messageId }, { d => d.ReplyAll, replyAll } };
        var reference = await provider.InvokeAsync(() => dialogs.ShowAsync<ReplyDialog>("Reply", parameters));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll("[data-testid=composer-to] [data-testid=address-chip]")));
        return (provider, reference.Result);
    }

    [Fact]
    public async Task Composer_IsPrefilled_FromTheUsersGmail_AndSaysNothingIsSentUntilSend()
    {
        var (view, _) = await OpenAsync(replyAll: true);

        Assert.Equal("Nothing is sent until you press Send.", view.Find("[data-testid=nothing-sent]").TextContent.Trim());
        Assert.Equal(Accounts.Csm, view.Find("[data-testid=composer-from]").TextContent.Replace("From", "").Trim());
        Assert.Equal(["Maria Ortiz <maria@acme.com>"], view.FindAll("[data-testid=composer-to] [data-testid=address-chip]").Select(c => c.TextContent.Trim()));
        Assert.Equal(["success@northwind.example", "Bob <bob@acme.com>"], view.FindAll("[data-testid=composer-cc] [data-testid=address-chip]").Select(c => c.TextContent.Trim()));
        Assert.Equal("Re: Pricing question", view.Find("input[data-testid=composer-subject]").GetAttribute("value"));
        Assert.Contains("Maria Ortiz <maria@acme.com> wrote:", view.Find("[data-testid=composer-quote]").TextContent, StringComparison.Ordinal);
        Assert.Empty(sender.Calls);
    }

    [Fact]
    public async Task Send_WithNoRecipient_InvalidAddress_OrEmptyMessage_IsRefused_AndSendsNothing()
    {
        var (view, _) = await OpenAsync();

        // Backspace in the empty To box removes the last chip; a bad address is not added.
        view.Find("[data-testid=composer-to-input]").KeyDown(new KeyboardEventArgs { Key = "Backspace" });
        view.Find("[data-testid=composer-to-input]").Input("not-an-address");
        view.Find("[data-testid=composer-to-input]").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        view.WaitForAssertion(() => Assert.Contains("“not-an-address” is not a valid email address.", view.Find("[data-testid=composer-to]").TextContent, StringComparison.Ordinal));
        Assert.Empty(view.FindAll("[data-testid=composer-to] [data-testid=address-chip]"));

        view.Find("[data-testid=send]").Click();

        view.WaitForAssertion(() =>
        {
            var errors = view.Find("[data-testid=composer-errors]").TextContent;
            Assert.Contains("Add at least one recipient in To.", errors, StringComparison.Ordinal);
            Assert.Contains("Write a message before sending.", errors, StringComparison.Ordinal);
        });
        Assert.Empty(sender.Calls);
        Assert.Equal(0, await CountAsync(db => db.EmailMessages.CountAsync(m => m.Subject == "Re: Pricing question")));
    }

    [Fact]
    public async Task TypingSavesADraft_ThatSurvivesReopening()
    {
        var (view, _) = await OpenAsync();
        view.Find("textarea[data-testid=composer-body]").Input("Half-written answer");

        await WaitUntilAsync(() => CountAsync(db => db.ReplyDrafts.CountAsync(d => d.EmailMessageId == messageId && d.Body == "Half-written answer")));
        view.WaitForAssertion(() => Assert.NotNull(view.Find("[data-testid=draft-saved]")));
        view.Find("[data-testid=close-composer]").Click();

        var (again, _) = await OpenAsync();
        Assert.Equal("Half-written answer", again.Find("textarea[data-testid=composer-body]").TextContent);
        Assert.Empty(sender.Calls);
    }

    [Fact]
    public async Task OneClickOnSend_SendsOnce_ThroughTheUsersGmail_AndStoresTheReply()
    {
        var (view, result) = await OpenAsync();
        view.Find("textarea[data-testid=composer-body]").Input("Happy to help, Maria.");

        view.Find("[data-testid=send]").Click();

        var closed = await result.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(closed!.Canceled);
        var call = Assert.Single(sender.Calls);
        Assert.Equal(connectionId, call.Connection);
        var mime = MimeKit.MimeMessage.Load(new MemoryStream(call.Raw));
        Assert.Equal("p1@acme.com", mime.InReplyTo);
        Assert.Equal(["p1@acme.com"], mime.References.ToArray());
        Assert.Equal(Accounts.Csm, mime.From.Mailboxes.Single().Address);
        Assert.Equal(1, await CountAsync(db => db.EmailMessages.CountAsync(m => m.RfcMessageId == mime.MessageId && m.Direction == EmailDirection.Outbound && m.ThreadKey == "pricing")));
        Assert.Equal(0, await CountAsync(db => db.ReplyDrafts.CountAsync()));
    }

    [Fact]
    public async Task AFailedSend_KeepsTheComposerAndDraft_AndShowsWhatHappenedWithATraceId()
    {
        sender.Fail = new HttpRequestException("Connection refused");
        var (view, result) = await OpenAsync();
        view.Find("textarea[data-testid=composer-body]").Input("Please keep me.");

        view.Find("[data-testid=send]").Click();

        view.WaitForAssertion(() => Assert.Contains("Could not reach Gmail, so nothing was sent.", view.Find("[data-testid=composer-failure]").TextContent, StringComparison.Ordinal));
        Assert.Matches("[0-9a-f]{32}", view.Find("[data-testid=composer-failure] code").TextContent);
        Assert.False(result.IsCompleted);
        Assert.Equal(1, await CountAsync(db => db.ReplyDrafts.CountAsync(d => d.Body == "Please keep me." && d.LastErrorTraceId != null)));
    }

    [Fact]
    public async Task WithoutSendAccess_SendIsDisabled_AndTheComposerSaysWhatToDo()
    {
        await using (var db = app.CreateSystemContext())
        {
            await db.MailboxConnections.Where(c => c.Id == connectionId).ExecuteUpdateAsync(u => u.SetProperty(c => c.GrantedScopes, GmailScopes.Readonly));
        }

        var (view, _) = await OpenAsync();

        Assert.True(view.Find("[data-testid=send]").HasAttribute("disabled"));
        Assert.Contains("Reply from EmailSync", view.Find("[data-testid=composer-cannot-send]").TextContent, StringComparison.Ordinal);
        Assert.Empty(sender.Calls);
    }

    private async Task<int> CountAsync(Func<Core.Data.EmailSyncDbContext, Task<int>> query)
    {
        await using var db = app.CreateSystemContext();
        return await query(db);
    }

    private static async Task WaitUntilAsync(Func<Task<int>> count)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (await count() == 0)
        {
            Assert.True(DateTime.UtcNow < until, "Timed out");
            await Task.Delay(100);
        }
    }

    /// <summary>Records what would have been sent; Gmail "accepts" it and returns it as stored.</summary>
    private sealed class RecordingSender : IReplySender
    {
        public List<(long Connection, byte[] Raw, string? ThreadId)> Calls { get; } = [];

        public Exception? Fail { get; set; }

        public Task<SentMessage> SendAsync(MailboxConnection connection, byte[] raw, string? threadId, CancellationToken ct)
        {
            Calls.Add((connection.Id, raw, threadId));
            if (Fail is not null)
            {
                throw Fail;
            }

            return Task.FromResult(new SentMessage($"gm{Calls.Count:D14}", threadId ?? "pricing", raw));
        }
    }
}
