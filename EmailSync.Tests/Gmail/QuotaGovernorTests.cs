using EmailSync.Core.Gmail;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EmailSync.Tests.Gmail;

public sealed class QuotaGovernorTests
{
    private static QuotaGovernor Governor(FakeTimeProvider clock, QuotaTier tier = QuotaTier.Legacy, int perUserPerMinute = 600, int maxConcurrent = 6) =>
        new(Options.Create(new GmailQuotaOptions
        {
            Tier = tier,
            PerUserPerMinute = perUserPerMinute,
            TargetFraction = 1.0,
            MaxConcurrentPerUser = maxConcurrent,
        }), clock);

    [Theory]
    [InlineData(GmailMethod.MessagesGet, QuotaTier.Legacy, 5)]
    [InlineData(GmailMethod.MessagesGet, QuotaTier.Tier2026, 20)]
    [InlineData(GmailMethod.MessagesList, QuotaTier.Tier2026, 5)]
    [InlineData(GmailMethod.HistoryList, QuotaTier.Legacy, 2)]
    [InlineData(GmailMethod.ThreadsGet, QuotaTier.Tier2026, 40)]
    [InlineData(GmailMethod.MessagesSend, QuotaTier.Legacy, 100)]
    public void Costs_FollowTheTier(GmailMethod method, QuotaTier tier, int units) => Assert.Equal(units, QuotaCosts.Of(method, tier));

    [Fact]
    public async Task Acquire_WaitsForTheBucket_AtTheConfiguredRate()
    {
        var clock = new FakeTimeProvider();
        var governor = Governor(clock); // 600/min = 10 units/s, burst 10

        await governor.AcquireAsync("a@x.example", 10, CancellationToken.None);
        var next = governor.AcquireAsync("a@x.example", 5, CancellationToken.None);
        Assert.False(next.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(400));
        await Task.Delay(20);
        Assert.False(next.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(150));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(15, governor.UnitsSpent);
    }

    [Fact]
    public async Task Accounts_HaveSeparateBuckets()
    {
        var clock = new FakeTimeProvider();
        var governor = Governor(clock);
        await governor.AcquireAsync("a@x.example", 10, CancellationToken.None);

        var other = governor.AcquireAsync("b@x.example", 10, CancellationToken.None);

        await other.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ABatchLargerThanTheBurst_GoesIntoDebt_AndLaterCallsWaitItOut()
    {
        var clock = new FakeTimeProvider();
        var governor = Governor(clock);
        await governor.AcquireAsync("a@x.example", 50, CancellationToken.None); // 5 s of quota at once

        var next = governor.AcquireAsync("a@x.example", 1, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(3.9));
        await Task.Delay(20);
        Assert.False(next.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(0.2));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ConcurrencyCap_HoldsTheExtraCaller_UntilASlotIsReleased()
    {
        var governor = Governor(new FakeTimeProvider(), maxConcurrent: 2);
        var first = await governor.EnterAsync("a@x.example", CancellationToken.None);
        using var second = await governor.EnterAsync("a@x.example", CancellationToken.None);

        var third = governor.EnterAsync("a@x.example", CancellationToken.None);
        await Task.Delay(20);
        Assert.False(third.IsCompleted);

        first.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Theory]
    [InlineData(QuotaTier.Legacy, 50)]
    [InlineData(QuotaTier.Tier2026, 5)]
    public void BatchSize_IsAboutASecondOfQuota(QuotaTier tier, int expected)
    {
        var governor = new QuotaGovernor(Options.Create(new GmailQuotaOptions { Tier = tier }), TimeProvider.System);
        Assert.Equal(expected, governor.BatchSize);
    }
}
