using Bunit;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Core.Sync;
using EmailSync.Web.Components.Pages.Settings.Components;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Web.Settings;

/// <summary>The users table: one row per member with the status of their Gmail connection.</summary>
public sealed class MailboxUsersTableTests(SettingsHost host) : SettingsComponentTest(host)
{
    private static MemberMailbox Member(string name, MailboxView? mailbox) =>
        new(name.ToLowerInvariant() + "-id", name, name.ToLowerInvariant() + "@northwind.example", OrganizationRole.Csm, mailbox);

    private static MailboxView Mailbox(long id, MailboxStatus status, int fetched = 0, int total = 0, string? error = null, string? trace = null) =>
        new(id, $"box{id}@northwind.example", status, false, fetched, fetched, total, DateTimeOffset.UtcNow.AddMinutes(-5), error, trace, error is null ? null : DateTimeOffset.UtcNow.AddHours(-1));

    [Fact]
    public void EachStatus_ShowsItsChip_ProgressReasonAndTraceId()
    {
        RenderProviders();
        var table = Render<MailboxUsersTable>(p => p.Add(t => t.Items, new[]
        {
            Member("Ana", null),
            Member("Ben", Mailbox(2, MailboxStatus.Syncing, fetched: 1240, total: 3000)),
            Member("Cy", Mailbox(3, MailboxStatus.Active)),
            Member("Di", Mailbox(4, MailboxStatus.Unauthorized, error: "Google refused the refresh token (invalid_grant).", trace: "4bf92f3577b34da6a3ce929d0e0e4736")),
        }));

        var rows = table.FindAll("tr.mailbox-user-row");
        Assert.Equal(4, rows.Count);

        Assert.Contains("NOT CONNECTED", rows[0].QuerySelector("[data-testid=mailbox-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(rows[0].QuerySelectorAll("[data-testid=user-sync-now]"));

        Assert.Contains("SYNCING", rows[1].QuerySelector("[data-testid=mailbox-status]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(rows[1].QuerySelector("[data-testid=user-progress]"));
        Assert.Equal("1,240 of ~3,000", rows[1].QuerySelector("[data-testid=user-progress-text]")!.TextContent.Trim());
        Assert.Contains("box2@northwind.example", rows[1].TextContent, StringComparison.Ordinal);
        Assert.NotNull(rows[1].QuerySelector("[data-testid=user-sync-now]"));

        Assert.Contains("ACTIVE", rows[2].QuerySelector("[data-testid=mailbox-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("5 min ago", rows[2].QuerySelector("[data-testid=user-last-sync]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(rows[2].QuerySelector("[data-testid=user-sync-now]"));

        Assert.Contains("UNAUTHORIZED", rows[3].QuerySelector("[data-testid=mailbox-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("ask Di to open Profile and press Reconnect", rows[3].QuerySelector("[data-testid=user-unauthorized]")!.TextContent, StringComparison.Ordinal);
        var error = rows[3].QuerySelector("[data-testid=user-last-error]")!;
        Assert.Contains("invalid_grant", error.TextContent, StringComparison.Ordinal);
        Assert.Contains("4bf92f3577b34da6a3ce929d0e0e4736", error.QuerySelector(".trace-id")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(error.QuerySelector("[aria-label='Copy trace id']"));
        Assert.Empty(rows[3].QuerySelectorAll("[data-testid=user-sync-now]"));
    }

    [Fact]
    public async Task ImportSection_ListsEveryMember_FromTheDatabase_AndUpdatesLiveOnSyncEvents()
    {
        var maria = await SeedMailboxAsync("maria@northwind.example", c =>
        {
            c.Status = MailboxStatus.Syncing;
            c.ListedCount = 1500;
            c.FetchedCount = 1240;
            c.TotalEstimate = 3000;
        });
        await SeedMailboxAsync("tom@northwind.example", c =>
        {
            c.Status = MailboxStatus.Unauthorized;
            c.LastError = "Google refused the refresh token (invalid_grant).";
            c.LastErrorTraceId = "0af7651916cd43dd8448eb211c80319c";
            c.LastErrorAt = DateTimeOffset.UtcNow.AddHours(-2);
        });

        RenderProviders();
        var section = Render<ImportSettingsSection>();
        section.WaitForAssertion(() => Assert.Equal(3, section.FindAll("tr.mailbox-user-row").Count));
        var text = section.Find("[data-testid=users-table]").TextContent;
        Assert.Contains("Alex Admin", text, StringComparison.Ordinal);
        Assert.Contains("NOT CONNECTED", text, StringComparison.Ordinal);
        Assert.Contains("1,240 of ~3,000", text, StringComparison.Ordinal);
        Assert.Contains("UNAUTHORIZED", text, StringComparison.Ordinal);
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", text, StringComparison.Ordinal);

        // The backfill finishes in the background; the notifier tells the page, which re-reads the rows.
        await using (var db = SystemDb())
        {
            await db.MailboxConnections.Where(c => c.Id == maria).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.Status, MailboxStatus.Active)
                .SetProperty(c => c.FetchedCount, 3000)
                .SetProperty(c => c.LastSyncAt, DateTimeOffset.UtcNow));
        }

        await Get<SyncNotifier>().PublishAsync(new SyncEvent(maria, await UserIdAsync("maria@northwind.example"), [OrganizationId], 12));
        section.WaitForAssertion(() =>
        {
            var row = section.FindAll("tr.mailbox-user-row").Single(r => r.TextContent.Contains("Maria Souza", StringComparison.Ordinal));
            Assert.Contains("ACTIVE", row.QuerySelector("[data-testid=mailbox-status]")!.TextContent, StringComparison.Ordinal);
            Assert.Null(row.QuerySelector("[data-testid=user-progress]"));
        });
    }
}
