using Bunit;
using EmailSync.Core.Domain;
using EmailSync.Core.Sync;
using EmailSync.Tests.Infrastructure;
using EmailSync.Tests.Timeline;
using EmailSync.Web.Components.Pages.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Tests.Web.Customers;

/// <summary>Acting on the timeline: unlink and relink by hand, paging with live updates, and the customers list.</summary>
public sealed class TimelineActionsTests(WebAppFactory app) : CustomerComponentTestBase, IClassFixture<WebAppFactory>
{
    private readonly TimelineSeed seed = new(app);
    private Customer acme = null!;
    private Customer globex = null!;

    public override async Task InitializeAsync()
    {
        await app.ResetAsync();
        await seed.ForDemoOrganizationAsync();
        acme = await seed.CustomerAsync("Acme", ["acme.com"]);
        globex = await seed.CustomerAsync("Globex", ["globex.com"]);
        UseApp(app, seed.OrganizationId, await seed.UserIdAsync(Accounts.Csm));
    }

    private async Task<long> EmailAsync(string subject, string thread, DateTimeOffset? at = null) =>
        (await seed.Email(subject).From("maria@acme.com").InThread(thread).At(at ?? DateTimeOffset.UtcNow.AddHours(-1)).LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync()).Id;

    [Fact]
    public async Task RemovingAThreadFromTheCustomer_TakesItOffTheTimeline_AndKeepsItOff()
    {
        var id = await EmailAsync("Wrong customer", "w");
        await EmailAsync("Right customer", "r", DateTimeOffset.UtcNow.AddHours(-2));
        var dialogs = RenderProviders();
        var page = Render<CustomerPage>(p => p.Add(c => c.Id, acme.Id));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=timeline-thread]").Count));

        page.Find("[data-testid=email-head]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=email-menu]")));
        page.Find("[data-testid=email-menu] button").Click();
        Popovers.WaitForAssertion(() => Assert.NotEmpty(Popovers.FindAll("[data-testid=unlink-thread]")));
        Popovers.Find("[data-testid=unlink-thread]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Remove the whole thread from Acme?", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim().Equals("Remove", StringComparison.OrdinalIgnoreCase)).Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=timeline-thread]")));
        Assert.Contains("Right customer", page.Find("[data-testid=timeline-thread]").TextContent, StringComparison.Ordinal);
        await using var db = app.CreateSystemContext();
        var link = await db.EmailLinks.SingleAsync(l => l.EmailMessageId == id && l.CustomerId == acme.Id);
        Assert.True(link.IsSuppressed);
        Assert.Equal(MatchReason.Manual, link.Reason);
    }

    [Fact]
    public async Task RelinkingMovesTheThread_ToTheChosenCustomer()
    {
        var id = await EmailAsync("Belongs to Globex", "g");
        var dialogs = RenderProviders();
        var page = Render<CustomerPage>(p => p.Add(c => c.Id, acme.Id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=timeline-thread]")));
        page.Find("[data-testid=email-head]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=relink]")));
        page.Find("[data-testid=relink]").Click();

        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("input[data-testid=relink-customer]")));
        dialogs.Find("input[data-testid=relink-customer]").Input("Glob");
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-list-item"), i => i.TextContent.Contains("Globex", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
        Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains("Globex", StringComparison.Ordinal)).Click();
        dialogs.WaitForAssertion(() => Assert.False(dialogs.Find("[data-testid=relink-save]").HasAttribute("disabled")));
        dialogs.Find("[data-testid=relink-save]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=timeline-thread]")));
        await using var db = app.CreateSystemContext();
        var links = await db.EmailLinks.Where(l => l.EmailMessageId == id).ToListAsync();
        Assert.Contains(links, l => l.CustomerId == globex.Id && l.Reason == MatchReason.Manual && !l.IsSuppressed);
        Assert.Contains(links, l => l.CustomerId == acme.Id && l.IsSuppressed);
    }

    [Fact]
    public async Task LoadingOlderEmails_ThenALiveUpdate_KeepsEverythingLoaded()
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 30; i++)
        {
            await EmailAsync($"Note {i}", $"n{i:D2}", now.AddHours(-i - 1));
        }

        RenderProviders();
        var page = Render<CustomerPage>(p => p.Add(c => c.Id, acme.Id));
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=timeline-thread]").Count));
        page.Find("[data-testid=load-more]").Click();
        page.WaitForAssertion(() => Assert.Equal(30, page.FindAll("[data-testid=timeline-thread]").Count));
        Assert.Empty(page.FindAll("[data-testid=load-more]"));

        await EmailAsync("Brand new", "new", now);
        await app.Services.GetRequiredService<SyncNotifier>().PublishAsync(new SyncEvent(1, "x", [seed.OrganizationId], 1));

        page.WaitForAssertion(() =>
        {
            var threads = page.FindAll("[data-testid=timeline-thread]");
            Assert.Equal(31, threads.Count);
            Assert.Contains("Brand new", threads[0].TextContent, StringComparison.Ordinal);
            Assert.Contains("Note 29", threads[^1].TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task CustomersList_ShowsTemporaryBadge_Counts_AndSortsByEmails()
    {
        await EmailAsync("One", "1");
        await EmailAsync("Two", "2");
        await using (var db = app.CreateSystemContext())
        {
            db.Customers.Add(new Customer { OrganizationId = seed.OrganizationId, Name = "gmail-person@gmail.com", IsTemporary = true });
            await db.SaveChangesAsync();
        }

        RenderProviders();
        var list = Render<CustomersPage>();
        list.WaitForAssertion(() => Assert.Equal(3, list.FindAll("[data-testid=customer-link]").Count));
        Assert.Single(list.FindAll("[data-testid=temporary-badge]"));
        Assert.Equal(["Acme", "Globex", "gmail-person@gmail.com"], list.FindAll("[data-testid=customer-link]").Select(a => a.TextContent.Trim()));

        // Sort by emails, twice: descending.
        var header = list.FindAll(".mud-table-sort-label").Single(h => h.TextContent.Contains("Emails", StringComparison.Ordinal));
        header.Click();
        list.FindAll(".mud-table-sort-label").Single(h => h.TextContent.Contains("Emails", StringComparison.Ordinal)).Click();
        list.WaitForAssertion(() => Assert.Equal("Acme", list.FindAll("[data-testid=customer-link]")[0].TextContent.Trim()));
        Assert.Equal("2", list.FindAll("[data-testid=emails-in-window]")[0].TextContent.Trim());
    }
}
