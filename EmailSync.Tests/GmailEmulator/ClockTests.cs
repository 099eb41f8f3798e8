using EmailSync.GmailEmulator.Control;

namespace EmailSync.Tests.GmailEmulator;

/// <summary>What happens as time passes: access tokens expire, history falls out of its retention window.</summary>
public sealed class ClockTests(ClockedEmulatorFixture fx) : IClassFixture<ClockedEmulatorFixture>
{
    [Fact]
    public async Task AccessToken_ExpiresAfterItsLifetime_RefreshTokenStillWorks()
    {
        var box = await fx.NewMailboxAsync("lifetime");
        var issued = await fx.Control.IssueAccessTokenAsync(box, [EmulatorFixture.Readonly], includeRefreshToken: true);
        Assert.InRange(issued.ExpiresIn, 3590, 3600);
        fx.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(200, (await fx.GetAsync(issued.AccessToken, "gmail/v1/users/me/profile")).Status);
        fx.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(401, (await fx.GetAsync(issued.AccessToken, "gmail/v1/users/me/profile")).Status);

        using var refresh = await fx.Http.PostAsync("token", new FormUrlEncodedContent(
            [new("grant_type", "refresh_token"), new("refresh_token", issued.RefreshToken!), new("client_id", issued.ClientId)]));
        Assert.True(refresh.IsSuccessStatusCode);
    }

    [Fact]
    public async Task History_OlderThanRetention_Is404_NewerStillServed()
    {
        var box = await fx.NewMailboxAsync("retention");
        var token = await fx.TokenAsync(box);
        var start = (await fx.GetOkAsync(token, "gmail/v1/users/me/profile")).GetProperty("historyId").GetString();
        var old = await fx.Control.DeliverMessageAsync(box, new DeliverRequest { From = "a@acme.com", Subject = "old", Body = "x" });
        fx.Clock.Advance(TimeSpan.FromDays(6));
        var recent = await fx.Control.DeliverMessageAsync(box, new DeliverRequest { From = "a@acme.com", Subject = "recent", Body = "x" });
        token = await fx.TokenAsync(box);
        Assert.Equal(2, (await fx.GetOkAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}")).GetProperty("history").GetArrayLength());

        fx.Clock.Advance(TimeSpan.FromDays(2)); // the first record is now 8 days old; retention is 7
        token = await fx.TokenAsync(box);
        Assert.Equal(404, (await fx.GetAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}")).Status);
        var fromOld = await fx.GetOkAsync(token, $"gmail/v1/users/me/history?startHistoryId={old.HistoryId}");
        Assert.Equal(recent.Id, fromOld.GetProperty("history")[0].GetProperty("messagesAdded")[0].GetProperty("message").GetProperty("id").GetString());
    }

    [Fact]
    public async Task LiveMail_KeepsCustomerMailFlowing_NewThreadsAndReplies()
    {
        int Count() => fx.Control.ListMailboxesAsync().GetAwaiter().GetResult().Where(m => m.Address is EmulatorFixture.Alex or EmulatorFixture.Bianca).Sum(m => m.MessagesTotal);
        var before = Count();
        var threadsBefore = (await fx.Control.GetMessagesAsync(EmulatorFixture.Alex)).Concat(await fx.Control.GetMessagesAsync(EmulatorFixture.Bianca)).Select(m => m.ThreadId).ToHashSet();
        for (var i = 0; i < 12; i++)
        {
            fx.Clock.Advance(TimeSpan.FromHours(1));
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Count() < before + i + 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        Assert.True(Count() >= before + 12, $"expected 12 live messages, got {Count() - before}");
        var live = (await fx.Control.GetMessagesAsync(EmulatorFixture.Alex)).Concat(await fx.Control.GetMessagesAsync(EmulatorFixture.Bianca))
            .Where(m => m.Category == "delivered").ToArray();
        Assert.Contains(live, m => threadsBefore.Contains(m.ThreadId) && m.Subject.StartsWith("Re", StringComparison.Ordinal)); // replies join their thread
        Assert.Contains(live, m => !threadsBefore.Contains(m.ThreadId)); // and new conversations start
        Assert.All(live, m => Assert.Contains("INBOX", m.LabelIds));
    }
}
