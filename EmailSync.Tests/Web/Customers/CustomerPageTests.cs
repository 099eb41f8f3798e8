using Bunit;
using EmailSync.Core.Domain;
using EmailSync.Core.Sync;
using EmailSync.Tests.Infrastructure;
using EmailSync.Tests.Timeline;
using EmailSync.Web.Components.Pages.Customers;
using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Tests.Web.Customers;

/// <summary>The Customer 360 page with real data: header, live update from sync, and Reply without send access.</summary>
public sealed class CustomerPageTests(WebAppFactory app) : CustomerComponentTestBase, IClassFixture<WebAppFactory>
{
    private readonly TimelineSeed seed = new(app);
    private Customer acme = null!;

    public override async Task InitializeAsync()
    {
        await app.ResetAsync();
        await seed.ForDemoOrganizationAsync();
        acme = await seed.CustomerAsync("Acme", ["acme.com"], ("maria@acme.com", "Maria Ortiz", true), ("bob@acme.com", null, false));
        await seed.Email("Kickoff").From("maria@acme.com", "Maria Ortiz").At(DateTimeOffset.UtcNow.AddDays(-1)).InThread("kickoff").LinkedTo(acme, MatchReason.Contact, "maria@acme.com").SaveAsync();
        UseApp(app, seed.OrganizationId, await seed.UserIdAsync(Accounts.Csm));
    }

    [Fact]
    public async Task NewlySyncedMail_AppearsWithoutReload()
    {
        RenderProviders();
        var page = Render<CustomerPage>(p => p.Add(c => c.Id, acme.Id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=timeline-thread]")));
        Assert.Equal("Acme", page.Find("h1").TextContent.Trim());
        Assert.Contains("Maria Ortiz", page.Find("[data-testid=champion]").TextContent, StringComparison.Ordinal);

        await seed.Email("Urgent: outage").From("bob@acme.com").InThread("outage").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        await app.Services.GetRequiredService<SyncNotifier>().PublishAsync(new SyncEvent(1, "someone", [seed.OrganizationId], 1));

        page.WaitForAssertion(() =>
        {
            var threads = page.FindAll("[data-testid=timeline-thread]");
            Assert.Equal(2, threads.Count);
            Assert.Contains("Urgent: outage", threads[0].TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ReplyWithoutGmailConnected_ExplainsWhatToDo_InsteadOfOpeningTheComposer()
    {
        var dialogs = RenderProviders();
        var page = Render<CustomerPage>(p => p.Add(c => c.Id, acme.Id));
        page.WaitForAssertion(() => Assert.Contains("Connect your Gmail", page.Find("[data-testid=reply-off-notice]").TextContent, StringComparison.Ordinal));

        page.Find("[data-testid=email-head]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=reply]")));
        page.Find("[data-testid=reply]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Reply from EmailSync is off", dialogs.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("reply-dialog", dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCustomer_SaysSo()
    {
        var page = Render<CustomerPage>(p => p.Add(c => c.Id, 987654));
        page.WaitForAssertion(() => Assert.Equal("Customer not found", page.Find("h1").TextContent.Trim()));
    }
}
