using EmailSync.Core.Domain;
using EmailSync.Core.Timeline;
using EmailSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using System.Net;

namespace EmailSync.Tests.Timeline;

/// <summary>The Customer 360 reads against the real host and SQLite: grouping, paging, filters, chips, tenancy, attachments.</summary>
public sealed class TimelineServiceTests(WebAppFactory app) : IClassFixture<WebAppFactory>, IAsyncLifetime
{
    private readonly TimelineSeed seed = new(app);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        await seed.ForDemoOrganizationAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private AsyncServiceScope Scope() => app.CreateTenantScope(seed.OrganizationId);

    [Fact]
    public async Task Timeline_GroupsByThread_NewestActivityFirst_AndExpandsOldestFirst()
    {
        var acme = await seed.CustomerAsync("Acme", ["acme.com"]);
        await seed.Email("Renewal").From("maria@acme.com").To("success@northwind.example").At(Now.AddHours(-5)).InThread("t-a").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        await seed.Email("Re: Renewal").From("alex@northwind.example", direction: EmailDirection.Outbound).To("maria@acme.com").At(Now.AddHours(-4)).InThread("t-a").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        await seed.Email("Invoice").From("billing@acme.com").At(Now.AddHours(-3)).InThread("t-b").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        var newest = await seed.Email("Re: Renewal").From("maria@acme.com").At(Now.AddHours(-1)).InThread("t-a").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();

        await using var scope = Scope();
        var timeline = scope.ServiceProvider.GetRequiredService<TimelineService>();
        var page = await timeline.GetPageAsync(acme.Id);

        Assert.Equal(["t-a", "t-b"], page.Threads.Select(t => t.Key));
        Assert.Equal(3, page.Threads[0].MessageCount);
        Assert.Equal(newest.Id, page.Threads[0].Latest.Id);
        Assert.Null(page.Next);

        var thread = await timeline.GetThreadAsync(acme.Id, "t-a");
        Assert.Equal(3, thread.Count);
        Assert.True(thread.Select(e => e.SentAt).SequenceEqual(thread.Select(e => e.SentAt).Order()));
        Assert.Equal(EmailDirection.Outbound, thread[1].Direction);
    }

    [Fact]
    public async Task Paging_ContinuesFromCursor_WithoutGapsOrRepeats()
    {
        var acme = await seed.CustomerAsync("Acme", ["acme.com"]);
        for (var i = 0; i < 60; i++)
        {
            // Pairs share a timestamp: the cursor must break ties by key.
            await seed.Email($"Note {i}").From("maria@acme.com").At(Now.AddMinutes(-(i / 2))).InThread($"t-{i:D2}").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        }

        await using var scope = Scope();
        var timeline = scope.ServiceProvider.GetRequiredService<TimelineService>();
        var seen = new List<TimelineThread>();
        TimelineCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await timeline.GetPageAsync(acme.Id, after: cursor, pageSize: 25);
            seen.AddRange(page.Threads);
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(60, seen.Select(t => t.Key).Distinct().Count());
        Assert.True(seen.Select(t => t.LastAt).SequenceEqual(seen.Select(t => t.LastAt).OrderDescending()));
    }

    [Fact]
    public async Task Filters_NarrowByContactDirectionDatesAttachmentAndText()
    {
        var acme = await seed.CustomerAsync("Acme", ["acme.com"], ("maria@acme.com", "Maria", true), ("bob@acme.com", "Bob", false));
        await seed.Email("Kickoff agenda").From("maria@acme.com").At(Now.AddDays(-10)).InThread("k").Attachment("agenda.pdf", 2048).LinkedTo(acme, MatchReason.Contact, "maria@acme.com").SaveAsync();
        await seed.Email("Outage report").From("bob@acme.com").At(Now.AddDays(-2)).InThread("o").LinkedTo(acme, MatchReason.Contact, "bob@acme.com").SaveAsync();
        await seed.Email("Our answer").From("alex@northwind.example", direction: EmailDirection.Outbound).To("bob@acme.com").At(Now.AddDays(-1)).InThread("a").LinkedTo(acme, MatchReason.Contact, "bob@acme.com").SaveAsync();

        await using var scope = Scope();
        var timeline = scope.ServiceProvider.GetRequiredService<TimelineService>();
        async Task<string[]> Keys(TimelineFilter f) => [.. (await timeline.GetPageAsync(acme.Id, f)).Threads.Select(t => t.Key)];

        var maria = (await timeline.GetHeaderAsync(acme.Id, TimeZoneInfo.Utc))!.Contacts.Single(c => c.Email == "maria@acme.com");
        Assert.Equal(["k"], await Keys(new TimelineFilter { ContactId = maria.Id }));
        Assert.Equal(["a"], await Keys(new TimelineFilter { Direction = EmailDirection.Outbound }));
        Assert.Equal(["o", "k"], await Keys(new TimelineFilter { Direction = EmailDirection.Inbound }));
        Assert.Equal(["k"], await Keys(new TimelineFilter { HasAttachment = true }));
        Assert.Equal(["o"], await Keys(new TimelineFilter { Text = "OUTAGE" }));
        Assert.Equal(["a", "o"], await Keys(new TimelineFilter { Since = Now.AddDays(-3) }));
        Assert.Equal(["k"], await Keys(new TimelineFilter { Until = Now.AddDays(-5) }));
    }

    [Fact]
    public async Task Rows_CarryLinkReason_SharedTag_Attachments_AndHideSuppressedLinks()
    {
        var acme = await seed.CustomerAsync("Acme", ["acme.com"]);
        var globex = await seed.CustomerAsync("Globex", ["globex.com"]);
        var shared = await seed.Email("Joint project").From("maria@acme.com").Cc("jo@globex.com").InThread("j").Attachment("plan.xlsx", 1536).Attachment("logo.png", 99, type: "image/png", contentId: "logo@x")
            .LinkedTo(acme, MatchReason.Domain, "acme.com", shared: true).LinkedTo(globex, MatchReason.Contact, "jo@globex.com", shared: true).SaveAsync();
        await seed.Email("Unlinked by hand").From("maria@acme.com").InThread("u").LinkedTo(acme, MatchReason.Manual, "manual", suppressed: true).SaveAsync();
        await seed.Email("Headers only").From("maria@acme.com").InThread("h").MetadataOnly().LinkedTo(acme, MatchReason.Manual, "manual").SaveAsync();

        await using var scope = Scope();
        var timeline = scope.ServiceProvider.GetRequiredService<TimelineService>();
        var acmeRows = (await timeline.GetPageAsync(acme.Id)).Threads.ToDictionary(t => t.Key, t => t.Latest);
        Assert.Equal(["h", "j"], acmeRows.Keys.Order());
        Assert.Equal("domain acme.com", acmeRows["j"].Link.Label);
        Assert.Equal(["Globex"], acmeRows["j"].SharedWith.Select(s => s.Name));
        Assert.Equal(["plan.xlsx"], acmeRows["j"].ListedAttachments.Select(a => a.FileName));
        Assert.Equal("manual", acmeRows["h"].Link.Label);
        Assert.False(acmeRows["h"].BodyStored);

        var globexRow = (await timeline.GetPageAsync(globex.Id)).Threads.Single().Latest;
        Assert.Equal(shared.Id, globexRow.Id);
        Assert.Equal("contact jo@globex.com", globexRow.Link.Label);
        Assert.Equal(["Acme"], globexRow.SharedWith.Select(s => s.Name));

        var content = (await timeline.GetContentAsync(shared.Id))!;
        Assert.True(content.InlineParts.ContainsKey("logo@x"));
    }

    [Fact]
    public async Task Header_And_CustomersList_ShowLastInboundOutbound_EmailsInWindow_AndSearchAndSort()
    {
        var acme = await seed.CustomerAsync("Acme", ["acme.com"], ("maria@acme.com", "Maria Ortiz", true));
        var zeta = await seed.CustomerAsync("Zeta", ["zeta.io"]);
        await seed.Email("In").From("maria@acme.com").At(Now.AddDays(-2)).InThread("1").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        await seed.Email("Out").From("alex@northwind.example", direction: EmailDirection.Outbound).At(Now.AddDays(-1)).InThread("2").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        await seed.Email("Old").From("maria@acme.com").At(Now.AddDays(-200)).InThread("3").LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        for (var i = 0; i < 3; i++)
        {
            await seed.Email($"Z{i}").From("x@zeta.io").At(Now.AddDays(-3)).InThread($"z{i}").LinkedTo(zeta, MatchReason.Domain, "zeta.io").SaveAsync();
        }

        await using var scope = Scope();
        var header = (await scope.ServiceProvider.GetRequiredService<TimelineService>().GetHeaderAsync(acme.Id, TimeZoneInfo.Utc))!;
        Assert.Equal("Maria Ortiz", header.Champion?.Name);
        Assert.Equal(2, header.EmailsInWindow);
        Assert.Equal(Now.AddDays(-2).UtcTicks, header.LastInbound!.Value.UtcTicks, TimeSpan.FromMilliseconds(1).Ticks);
        Assert.Equal(Now.AddDays(-1).UtcTicks, header.LastContact!.Value.UtcTicks, TimeSpan.FromMilliseconds(1).Ticks);

        var directory = scope.ServiceProvider.GetRequiredService<CustomerDirectory>();
        var byCount = await directory.ListAsync(null, CustomerSort.EmailsInWindow, true, 0, 10);
        Assert.Equal(["Zeta", "Acme"], byCount.Items.Select(i => i.Name));
        Assert.Equal([3, 2], byCount.Items.Select(i => i.EmailsInWindow));
        Assert.NotNull(byCount.Items[1].LastOutbound);
        Assert.Null(byCount.Items[0].LastOutbound);
        Assert.Equal(["Acme"], (await directory.ListAsync("maria@acme", CustomerSort.Name, false, 0, 10)).Items.Select(i => i.Name));
        Assert.Equal(["Acme"], (await directory.ListAsync("ortiz", CustomerSort.Name, false, 0, 10)).Items.Select(i => i.Name));
        Assert.Equal("Zeta", Assert.Single((await directory.ListAsync(null, CustomerSort.Name, false, 1, 1)).Items).Name);
    }

    [Fact]
    public async Task AnotherOrganizationsCustomerAndAttachments_AreInvisible_InServicesAndOverHttp()
    {
        var acme = await seed.CustomerAsync("Acme", ["acme.com"]);
        var email = await seed.Email("Contract").From("maria@acme.com").InThread("c").Attachment("contract.pdf", 5, [1, 2, 3, 4, 5])
            .Attachment("lost.pdf", 7).LinkedTo(acme, MatchReason.Domain, "acme.com").SaveAsync();
        var stored = email.Attachments.Single(a => a.FileName == "contract.pdf").Id;
        var notStored = email.Attachments.Single(a => a.FileName == "lost.pdf").Id;

        await using (var other = app.CreateTenantScope(Guid.NewGuid()))
        {
            Assert.Null(await other.ServiceProvider.GetRequiredService<TimelineService>().GetHeaderAsync(acme.Id, TimeZoneInfo.Utc));
            Assert.Empty((await other.ServiceProvider.GetRequiredService<TimelineService>().GetPageAsync(acme.Id)).Threads);
            Assert.Equal(AttachmentFailure.NotFound, (await other.ServiceProvider.GetRequiredService<AttachmentContentService>().GetAsync(stored)).Failure);
        }

        await using (var scope = Scope())
        {
            var attachments = scope.ServiceProvider.GetRequiredService<AttachmentContentService>();
            Assert.Equal([1, 2, 3, 4, 5], (await attachments.GetAsync(stored)).Content);
            var gone = await attachments.GetAsync(notStored);
            Assert.Equal(AttachmentFailure.ConnectionGone, gone.Failure);
            Assert.Contains("no connected Gmail account", gone.Message);
        }

        var anonymous = app.CreateCookieClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/attachments/{stored}")).StatusCode);

        var client = await app.SignedInClientAsync(Accounts.Csm);
        var download = await client.GetAsync($"/attachments/{stored}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal([1, 2, 3, 4, 5], await download.Content.ReadAsByteArrayAsync());

        var refused = await client.GetAsync($"/attachments/{notStored}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("cannot be fetched", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/attachments/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.GetAsync($"/attachments/{stored}/inline")).StatusCode);
    }
}
