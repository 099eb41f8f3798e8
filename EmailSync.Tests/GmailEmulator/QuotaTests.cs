using EmailSync.GmailEmulator;

namespace EmailSync.Tests.GmailEmulator;

public sealed class QuotaTests(ClockedEmulatorFixture fx) : IClassFixture<ClockedEmulatorFixture>
{
    private async Task<(string Token, string Id)> SetupAsync(string name, string? client = null)
    {
        var box = await fx.NewMailboxAsync(name, messages: 3);
        var token = (await fx.Control.IssueAccessTokenAsync(box, [EmulatorFixture.Readonly], client)).AccessToken;
        var id = (await fx.Control.GetMessagesAsync(box))[0].Id;
        return (token, id);
    }

    /// <summary>Calls messages.get until refused; returns how many succeeded and the refusal.</summary>
    private async Task<(int Ok, int Status, string Reason, int RetryAfter)> HammerAsync(string token, string id, int max = 100)
    {
        for (var i = 0; i < max; i++)
        {
            var (status, json, response) = await fx.GetAsync(token, $"gmail/v1/users/me/messages/{id}?format=minimal");
            if (status != 200)
            {
                var retry = (int)(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? -1);
                return (i, status, json.GetProperty("error").GetProperty("errors")[0].GetProperty("reason").GetString()!, retry);
            }
        }

        return (max, 200, "", 0);
    }

    [Fact]
    public async Task Legacy_UserLimit_Refuses429WithRetryAfter_AtFiveUnitsPerGet_ThenRecovers()
    {
        await fx.Control.SetQuotaAsync(QuotaTier.Legacy, perUserPerMinute: 50);
        var (token, id) = await SetupAsync("legacy");
        var (ok, status, reason, retry) = await HammerAsync(token, id);
        Assert.Equal(10, ok); // 10 × 5 units = 50
        Assert.Equal(429, status);
        Assert.Equal("rateLimitExceeded", reason);
        Assert.InRange(retry, 1, 60);

        fx.Clock.Advance(TimeSpan.FromSeconds(retry));
        Assert.Equal(200, (await fx.GetAsync(token, $"gmail/v1/users/me/messages/{id}?format=minimal")).Status);
    }

    [Fact]
    public async Task Tier2026_UserLimit_ChargesTwentyUnitsPerGet()
    {
        await fx.Control.SetQuotaAsync(QuotaTier.Tier2026, perUserPerMinute: 100);
        await fx.Control.ResetQuotaCountersAsync();
        var (token, id) = await SetupAsync("tier2026");
        var (ok, status, _, retry) = await HammerAsync(token, id);
        Assert.Equal(5, ok); // 5 × 20 units = 100
        Assert.Equal(429, status);
        Assert.InRange(retry, 1, 60);
        var counters = await fx.Control.GetQuotaCountersAsync();
        Assert.Equal(100, counters.UnitsByMethod["users.messages.get"]);
        Assert.Equal(5, counters.CallsByMethod["users.messages.get"]);
        Assert.Equal(QuotaTier.Tier2026, counters.Settings.Tier);
        Assert.True(counters.Rejected >= 1);

        // listing stays at 5 units under the 2026 tier: none left this minute, one after the window slides
        Assert.Equal(429, (await fx.GetAsync(token, "gmail/v1/users/me/messages")).Status);
        fx.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(200, (await fx.GetAsync(token, "gmail/v1/users/me/messages")).Status);
        Assert.Equal(5, (await fx.Control.GetQuotaCountersAsync()).UnitsByMethod["users.messages.list"]);
    }

    [Fact]
    public async Task UserLimit_CanAnswer403UserRateLimitExceeded()
    {
        await fx.Control.SetQuotaAsync(QuotaTier.Legacy, perUserPerMinute: 10, userLimitStatus: 403);
        var (token, id) = await SetupAsync("user403");
        var (ok, status, reason, retry) = await HammerAsync(token, id);
        Assert.Equal(2, ok);
        Assert.Equal(403, status);
        Assert.Equal("userRateLimitExceeded", reason);
        Assert.True(retry >= 1);
    }

    [Fact]
    public async Task ProjectLimit_IsSharedByUsersOfOneClient_403RateLimitExceeded()
    {
        await fx.Control.SetQuotaAsync(QuotaTier.Legacy, perUserPerMinute: 1000, perProjectPerMinute: 30);
        var a = await SetupAsync("proj-a", "client-one");
        var b = await SetupAsync("proj-b", "client-one");
        var c = await SetupAsync("proj-c", "client-two");
        var okA = await HammerAsync(a.Token, a.Id, max: 3);
        Assert.Equal(3, okA.Ok);
        var (okB, status, reason, retry) = await HammerAsync(b.Token, b.Id);
        Assert.Equal(3, okB); // 6 × 5 = 30 units for client-one
        Assert.Equal(403, status);
        Assert.Equal("rateLimitExceeded", reason);
        Assert.True(retry >= 1);
        Assert.Equal(200, (await fx.GetAsync(c.Token, $"gmail/v1/users/me/messages/{c.Id}?format=minimal")).Status);
    }

    [Fact]
    public async Task ConcurrencyCap_Refuses429TooManyConcurrentRequests()
    {
        await fx.Control.SetQuotaAsync(QuotaTier.Legacy, concurrentPerUser: 2);
        var box = await fx.NewMailboxAsync("concurrent", messages: 2);
        var token = await fx.TokenAsync(box);
        await fx.Control.InjectFaultAsync("users.getProfile", 2, latencyMs: 1500, mailbox: box);
        var slow = Enumerable.Range(0, 2).Select(_ => fx.GetAsync(token, "gmail/v1/users/me/profile")).ToArray();
        await Task.Delay(300);
        var (status, json, _) = await fx.GetAsync(token, "gmail/v1/users/me/profile");
        Assert.Equal(429, status);
        Assert.Equal("Too many concurrent requests for user.", json.GetProperty("error").GetProperty("message").GetString());
        Assert.All(await Task.WhenAll(slow), r => Assert.Equal(200, r.Status));
        Assert.Equal(200, (await fx.GetAsync(token, "gmail/v1/users/me/profile")).Status);
    }

    [Fact]
    public async Task Off_NeverRefuses_ButStillCounts()
    {
        await fx.Control.SetQuotaAsync(QuotaTier.Off, perUserPerMinute: 1);
        await fx.Control.ResetQuotaCountersAsync();
        var (token, id) = await SetupAsync("off");
        var (ok, _, _, _) = await HammerAsync(token, id, max: 60);
        Assert.Equal(60, ok);
        Assert.Equal(300, (await fx.Control.GetQuotaCountersAsync()).UnitsByMethod["users.messages.get"]);
    }
}
