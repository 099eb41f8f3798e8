using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.GmailEmulator.Control;
using EmailSync.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Tests.Sync;

/// <summary>The hosted scheduler polling history on a short interval.</summary>
public sealed class PollingAppFactory : SyncAppFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Sync:PollInterval"] = "00:00:01",
    };
}

/// <summary>Polling effectively off (an hour); Gmail push through the webhook is the only fast path.</summary>
public sealed class PushAppFactory : SyncAppFactory
{
    public const string Secret = "test-push-secret";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Sync:PollInterval"] = "01:00:00",
        ["Sync:PushSecret"] = Secret,
        ["Sync:PushTopic"] = "projects/emailsync-local/topics/gmail",
        ["GmailEmulator:PushMinInterval"] = "00:00:00.100",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Emulator.SetPushEndpointAsync(new Uri(BaseAddress, $"/hooks/gmail/push?token={Secret}").ToString());
    }
}

public static class SyncWaits
{
    public static async Task<bool> UntilStoredAsync(this SyncAppFactory app, long connectionId, string gmailId, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if ((await app.StoredAsync(connectionId)).Ids.Contains(gmailId))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    public static DeliverRequest CustomerMail(string subject) => new()
    {
        From = "carla@customer-live.example",
        To = [SyncAppFactory.Alias1],
        Subject = subject,
        Body = "Hi team, a quick question about our account.",
    };
}

public sealed class PollingTests(PollingAppFactory app) : IClassFixture<PollingAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DeliveredMail_AppearsByPolling()
    {
        var id = await app.ConnectAsync(Accounts.Admin);
        await app.WaitForStatusAsync(id, MailboxStatus.Active);

        var delivered = await app.Emulator.DeliverMessageAsync(Accounts.Admin, SyncWaits.CustomerMail("Polling check"));

        Assert.True(await app.UntilStoredAsync(id, delivered.Id, TimeSpan.FromSeconds(20)), "The poll should have imported the new mail.");
    }

    [Fact]
    public async Task OneMailbox_SyncsIntoEveryOrganizationWithImportOn_EachWithItsOwnScope()
    {
        Guid second;
        const string domain = "fabrikam-multi.example";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await using var db = app.CreateSystemContext();
            var admin = await db.Users.SingleAsync(u => u.Email == Accounts.Admin);
            second = (await scope.ServiceProvider.GetRequiredService<OrganizationService>().CreateAsync("Northwind Collections", admin.Id)).Id;
            var org = await db.Organizations.SingleAsync(o => o.Id == second);
            org.GmailImportEnabled = true;
            org.SyncScope = SyncScope.CustomerThreads;
            db.Customers.Add(new Customer { OrganizationId = second, Name = "Fabrikam", Domains = [new CustomerDomain { OrganizationId = second, Domain = domain }] });
            await db.SaveChangesAsync();
        }

        var fromFabrikam = await app.Emulator.DeliverMessageAsync(Accounts.Admin, new DeliverRequest
        {
            From = $"lee@{domain}",
            To = [Accounts.Admin],
            Subject = "Fabrikam order",
            Body = "Order 77 attached.",
        });
        var id = await app.ConnectAsync(Accounts.Admin);
        await app.WaitForStatusAsync(id, MailboxStatus.Active);

        await using var check = app.CreateSystemContext();
        var secondOrgMail = await check.EmailMessages.Where(m => m.OrganizationId == second).Include(m => m.Participants).Include(m => m.Sources).ToListAsync();
        Assert.Contains(secondOrgMail, m => m.Sources.Any(s => s.GmailMessageId == fromFabrikam.Id));
        Assert.All(secondOrgMail, m => Assert.Contains(m.Participants, p => p.Domain == domain));

        var firstOrg = await check.Organizations.SingleAsync(o => o.Name == "Northwind Customer Success");
        Assert.False(await check.EmailSources.AnyAsync(s => s.OrganizationId == firstOrg.Id && s.GmailMessageId == fromFabrikam.Id),
            "The alias-scoped organization must not import mail that involves none of its aliases.");
        Assert.True(await check.EmailMessages.AnyAsync(m => m.OrganizationId == firstOrg.Id));
    }
}

public sealed class PushTests(PushAppFactory app) : IClassFixture<PushAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DeliveredMail_AppearsViaPush_WithoutWaitingForThePoll()
    {
        var id = await app.ConnectAsync(Accounts.Admin);
        var connection = await app.WaitForStatusAsync(id, MailboxStatus.Active);
        Assert.NotNull(connection.WatchExpiresAt);

        var delivered = await app.Emulator.DeliverMessageAsync(Accounts.Admin, SyncWaits.CustomerMail("Push check"));

        Assert.True(await app.UntilStoredAsync(id, delivered.Id, TimeSpan.FromSeconds(10)), "Push should have triggered an incremental sync at once (polling is an hour).");
    }

    [Fact]
    public async Task Webhook_RefusesAWrongSecret_AndAcknowledgesMalformedEnvelopes()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var wrong = await client.PostAsync("/hooks/gmail/push?token=guess", new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);

        var malformed = await client.PostAsync($"/hooks/gmail/push?token={PushAppFactory.Secret}", new StringContent("{\"message\":{\"data\":\"not-base64-json\"}}"));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, malformed.StatusCode);
    }
}

/// <summary>Two app instances on one SQLite file, talking to one Google: each mailbox is synced by one of them at a time.</summary>
public sealed class TwoHostsTests : IAsyncLifetime
{
    private readonly FirstHost first = new();
    private SecondHost? second;

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        second = new SecondHost(first) { SharedDatabasePath = first.DatabasePath, SharedKeysFolder = first.KeysFolder };
        await second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await second!.DisposeAsync();
        await first.DisposeAsync();
    }

    /// <summary>
    /// One mailbox at a time per host, and backfills long enough (a few pages each) that a mailbox is
    /// still busy when the other host's scheduler ticks: both hosts must share the work.
    /// </summary>
    private sealed class FirstHost : SyncAppFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Sync:PollInterval"] = "00:00:01",
            ["Sync:MaxParallelMailboxes"] = "1",
            ["Sync:ListPageSize"] = "10",
            ["GmailEmulator:MessagesPerMailbox"] = "400",
        };
    }

    private sealed class SecondHost(SyncAppFactory first) : WebAppFactory
    {
        protected override bool SeedDemo => false;

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Sync:PollInterval"] = "00:00:01",
            ["Sync:MaxParallelMailboxes"] = "1",
            ["Sync:ListPageSize"] = "10",
            ["Google:UseEmbeddedEmulator"] = "false",
            ["Google:ClientId"] = Core.Gmail.GoogleEndpoints.EmulatorClientId,
            ["Google:ClientSecret"] = Core.Gmail.GoogleEndpoints.EmulatorClientSecret,
            ["Google:AuthorizationEndpoint"] = new Uri(first.BaseAddress, "/google/o/oauth2/v2/auth").ToString(),
            ["Google:TokenEndpoint"] = new Uri(first.BaseAddress, "/google/token").ToString(),
            ["Google:RevokeEndpoint"] = new Uri(first.BaseAddress, "/google/revoke").ToString(),
            ["Google:GmailBaseUri"] = new Uri(first.BaseAddress, "/google/").ToString(),
        };

        public string Owner => Services.GetRequiredService<Core.Sync.MailboxLeases>().Owner;
    }

    [Fact]
    public async Task EachMailbox_IsSyncedByOneHostAtATime_AndNothingIsFetchedTwice()
    {
        await first.Emulator.ResetQuotaCountersAsync();
        var ids = new List<long>();
        foreach (var user in new[] { Accounts.Admin, Accounts.Csm, "tom@northwind.example" })
        {
            ids.Add(await first.ConnectAsync(user, trigger: false));
        }

        var owners = new HashSet<string>();
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until)
        {
            await using var db = first.CreateSystemContext();
            var rows = await db.MailboxConnections.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync();
            owners.UnionWith(rows.Where(r => r.LeaseOwner is not null).Select(r => r.LeaseOwner!));
            if (rows.All(r => r.Status == MailboxStatus.Active))
            {
                break;
            }

            await Task.Delay(20);
        }

        var totalUnique = 0;
        foreach (var (id, user) in ids.Zip(new[] { Accounts.Admin, Accounts.Csm, "tom@northwind.example" }))
        {
            var expected = await first.ExpectedInScopeAsync(user, id);
            var (stored, rows) = await first.StoredAsync(id);
            Assert.Equal(expected.Order(), stored.Order());
            Assert.Equal(stored.Count, rows);
            totalUnique += stored.Count;
        }

        // Both hosts took part, and no message was fetched twice (two hosts syncing one mailbox would).
        Assert.Contains(second!.Owner, owners);
        Assert.Contains(first.Services.GetRequiredService<Core.Sync.MailboxLeases>().Owner, owners);
        var counters = await first.Emulator.GetQuotaCountersAsync();
        Assert.Equal(totalUnique, counters.CallsByMethod.GetValueOrDefault("users.messages.get"));
    }
}
