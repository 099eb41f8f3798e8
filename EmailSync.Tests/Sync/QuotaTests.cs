using EmailSync.Core.Sync;
using EmailSync.Tests.Infrastructure;

namespace EmailSync.Tests.Sync;

/// <summary>The app's governor and the emulator's quota set to the same (tight) per-user limit.</summary>
public sealed class TightQuotaAppFactory : SyncAppFactory
{
    public const int PerUserPerMinute = 3000;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Sync:Enabled"] = "false",
        ["Google:Quota:Tier"] = "Legacy",
        ["Google:Quota:PerUserPerMinute"] = PerUserPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GmailEmulator:MessagesPerMailbox"] = "150",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Emulator.SetQuotaAsync(EmailSync.GmailEmulator.QuotaTier.Legacy, perUserPerMinute: PerUserPerMinute);
    }
}

public sealed class QuotaTests(TightQuotaAppFactory app) : IClassFixture<TightQuotaAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Backfill_UnderATightQuota_NeverTrips429s_AndImportsEverything()
    {
        await app.Emulator.ResetQuotaCountersAsync();
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);

        var outcome = SyncRunOutcome.MoreWork;
        for (var turn = 0; turn < 20 && outcome == SyncRunOutcome.MoreWork; turn++)
        {
            outcome = await app.RunOnceAsync(id);
        }

        Assert.Equal(SyncRunOutcome.Done, outcome);
        var counters = await app.Emulator.GetQuotaCountersAsync();
        Assert.Equal(0, counters.Rejected);
        var expected = await app.ExpectedInScopeAsync(Accounts.Admin, id);
        var (stored, rows) = await app.StoredAsync(id);
        Assert.Equal(expected.Order(), stored.Order());
        Assert.Equal(stored.Count, rows);
        // One messages.get per imported message: the unavoidable cost.
        Assert.Equal(expected.Count, counters.CallsByMethod.GetValueOrDefault("users.messages.get"));
    }
}
