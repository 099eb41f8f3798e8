using Bunit;
using EmailSync.Core.Domain;
using EmailSync.Core.Timeline;
using EmailSync.Tests.Infrastructure;
using EmailSync.Tests.Timeline;
using EmailSync.Web.Components.Pages.Customers.Components;
using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Tests.Web.Customers;

/// <summary>The timeline as rendered from real data: threads, chips, shared tag, attachments, metadata-only, expand in place.</summary>
public sealed class TimelineRenderingTests(WebAppFactory app) : CustomerComponentTestBase, IClassFixture<WebAppFactory>
{
    private readonly TimelineSeed seed = new(app);
    private Customer acme = null!;
    private Customer globex = null!;

    public override async Task InitializeAsync()
    {
        await app.ResetAsync();
        await seed.ForDemoOrganizationAsync();
        acme = await seed.CustomerAsync("Acme", ["acme.com"], ("maria@acme.com", "Maria Ortiz", true));
        globex = await seed.CustomerAsync("Globex", ["globex.com"]);
        var now = DateTimeOffset.UtcNow;
        await seed.Email("Renewal terms").RfcId("r1@acme.com").From("maria@acme.com", "Maria Ortiz").To("success@northwind.example").At(now.AddHours(-6)).InThread("renewal")
            .Attachment("terms.pdf", 250_000).LinkedTo(acme, MatchReason.Contact, "maria@acme.com").SaveAsync();
        await seed.Email("Re: Renewal terms").RfcId("r2@northwind.example", "r1@acme.com").From("alex@northwind.example", "Alex Admin", EmailDirection.Outbound).To("maria@acme.com", "Maria Ortiz")
            .Cc("jo@globex.com", "Jo Globex").At(now.AddHours(-5)).InThread("renewal").Html("<p>Our offer <b>stands</b>.</p><script>alert(1)</script>")
            .LinkedTo(acme, MatchReason.Domain, "acme.com", shared: true).LinkedTo(globex, MatchReason.Domain, "globex.com", shared: true).SaveAsync();
        await seed.Email("Re: Renewal terms").RfcId("r3@acme.com", "r2@northwind.example").From("maria@acme.com", "Maria Ortiz").To("alex@northwind.example")
            .At(now.AddHours(-1)).InThread("renewal").LinkedTo(acme, MatchReason.Contact, "maria@acme.com").SaveAsync();
        await seed.Email("Old newsletter").From("news@acme.com").At(now.AddHours(-3)).InThread("news").MetadataOnly().LinkedTo(acme, MatchReason.Manual, "manual").SaveAsync();
    }

    private async Task<IReadOnlyList<TimelineThread>> ThreadsAsync()
    {
        var services = UseApp(app, seed.OrganizationId, await seed.UserIdAsync(Accounts.Csm));
        return (await services.GetRequiredService<TimelineService>().GetPageAsync(acme.Id)).Threads;
    }

    private IRenderedComponent<TimelineThreadView> RenderThread(TimelineThread thread) => Render<TimelineThreadView>(p => p
        .Add(c => c.Thread, thread)
        .Add(c => c.CustomerId, acme.Id)
        .Add(c => c.CustomerName, "Acme"));

    [Fact]
    public async Task CollapsedThread_ShowsItsNewestEmail_Count_Direction_ReasonChip_AndSnippet()
    {
        RenderProviders();
        var threads = await ThreadsAsync();
        Assert.Equal(["renewal", "news"], threads.Select(t => t.Key));

        var row = RenderThread(threads[0]);
        Assert.Equal("3", row.Find("[data-testid=thread-count]").TextContent.Trim());
        Assert.Equal("Maria Ortiz", row.Find("[data-testid=email-from]").TextContent.Trim());
        Assert.Equal("Inbound", row.Find("[data-testid=direction]").GetAttribute("data-direction"));
        Assert.Equal("contact maria@acme.com", row.Find("[data-testid=link-reason]").TextContent.Trim());
        Assert.Contains("Re: Renewal terms", row.Find("[data-testid=email-subject]").TextContent, StringComparison.Ordinal);
        Assert.Empty(row.FindAll("[data-testid=email-row]"));
    }

    [Fact]
    public async Task ExpandingAThread_ShowsEveryEmailInPlace_WithSharedTag_Attachments_AndTheNewestOpen()
    {
        RenderProviders();
        var row = RenderThread((await ThreadsAsync())[0]);

        row.Find("[data-testid=email-head]").Click();

        row.WaitForAssertion(() => Assert.Equal(3, row.FindAll("[data-testid=email-row]").Count));
        var emails = row.FindAll("[data-testid=email-row]");
        // Oldest first, as a conversation reads; the sent one in the middle.
        Assert.Contains("terms.pdf", emails[0].QuerySelector("[data-testid=attachment]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("244.1 KB", emails[0].QuerySelector("[data-testid=attachment]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Outbound", emails[1].QuerySelector("[data-testid=direction]")!.GetAttribute("data-direction"));
        Assert.Contains("shared with Globex", emails[1].QuerySelector("[data-testid=shared-tag]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("cc Jo Globex", emails[1].QuerySelector("[data-testid=email-recipients]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("domain acme.com", emails[1].QuerySelector("[data-testid=link-reason]")!.TextContent.Trim());
        row.WaitForAssertion(() => Assert.NotNull(row.FindAll("[data-testid=email-row]")[2].QuerySelector("[data-testid=email-body]")));
        Assert.NotNull(row.Find("[data-testid=reply]"));

        // Opening the HTML email renders it sanitised.
        row.FindAll("[data-testid=email-head]")[1].Click();
        row.WaitForAssertion(() => Assert.Contains("stands", row.Find("[data-testid=email-html]").InnerHtml, StringComparison.Ordinal));
        Assert.DoesNotContain("<script", row.Find("[data-testid=email-html]").InnerHtml, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task MetadataOnlyEmail_IsMarked_AndExplainsWhenOpened()
    {
        RenderProviders();
        var row = RenderThread((await ThreadsAsync())[1]);
        Assert.Equal("headers only", row.Find("[data-testid=metadata-only-chip]").TextContent.Trim());
        Assert.Equal("manual", row.Find("[data-testid=link-reason]").TextContent.Trim());

        row.Find("[data-testid=email-head]").Click();

        row.WaitForAssertion(() => Assert.Contains("matched no customer", row.Find("[data-testid=metadata-only]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void ZonedTime_ShowsTheUsersTimeZone_InTheTooltipText()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
        var when = new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal("Thu 15 Jan 2026, 09:00 (America/Sao_Paulo)", EmailSync.Web.Components.Shared.ZonedTime.Absolute(when, zone));
        Assert.Equal("3 h ago", EmailSync.Web.Components.Shared.ZonedTime.Describe(when, when.AddHours(3), zone));
    }
}
