using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Sync;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using System.Net.Http.Headers;
using System.Text;

namespace EmailSync.Tests.Gmail;

public sealed class GmailWireTests
{
    [Theory]
    [InlineData("aGVsbG8gd29ybGQ", "hello world")]
    [InlineData("aGVsbG8gd29ybGQ=", "hello world")]
    [InlineData("-_8", "\u00fb\u00ff")]
    public void Base64Url_DecodesPaddedAndUnpadded(string encoded, string expected)
    {
        var bytes = Base64Url.Decode(encoded);
        Assert.Equal(expected, expected.Length == 2 ? Encoding.Latin1.GetString(bytes) : Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void PushEnvelope_ReadsGmailNotification()
    {
        var data = Base64Url.Encode(Encoding.UTF8.GetBytes("{\"emailAddress\":\"maria@northwind.example\",\"historyId\":\"98765\"}"));
        var body = $"{{\"message\":{{\"data\":\"{data}\",\"messageId\":\"1\",\"publishTime\":\"2026-11-24T05:00:00Z\"}},\"subscription\":\"projects/p/subscriptions/s\"}}";

        var notification = PushEnvelope.Parse(body);

        Assert.Equal(new PushEnvelope.Notification("maria@northwind.example", 98765UL), notification);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"message\":{\"data\":\"%%%\"}}")]
    [InlineData("{\"message\":{\"data\":\"e30\"}}")]
    public void PushEnvelope_ReturnsNull_ForMalformedInput(string body) => Assert.Null(PushEnvelope.Parse(body));

    [Fact]
    public void RetryDelay_DoublesWithJitter_AndHonoursRetryAfter_UpToTheCap()
    {
        var handler = new GmailRetryHandler(new GmailRetryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) }, new FakeTimeProvider(), NullLogger.Instance);

        var first = handler.DelayFor(1, null);
        var third = handler.DelayFor(3, null);
        Assert.InRange(first.TotalSeconds, 1, 2);
        Assert.InRange(third.TotalSeconds, 4, 5);
        Assert.Equal(TimeSpan.FromSeconds(12), handler.DelayFor(1, new RetryConditionHeaderValue(TimeSpan.FromSeconds(12))));
        Assert.Equal(TimeSpan.FromSeconds(30), handler.DelayFor(1, new RetryConditionHeaderValue(TimeSpan.FromSeconds(120))));
        Assert.Equal(TimeSpan.FromSeconds(30), handler.DelayFor(10, null));
    }

    [Fact]
    public void ImportScope_BuildsChunkedQueries_WithTheWindow_AndAStableFingerprint()
    {
        var window = new DateTimeOffset(2026, 8, 26, 0, 0, 0, TimeSpan.Zero);
        var aliases = Enumerable.Range(1, 5).Select(i => $"team{i}@northwind.example").ToList();

        var scope = new ImportScope(Guid.NewGuid(), SyncScope.Aliases, aliases, [], window, termsPerQuery: 2);

        Assert.Equal(3, scope.Queries.Count);
        Assert.Equal("{from:team1@northwind.example to:team1@northwind.example cc:team1@northwind.example bcc:team1@northwind.example "
            + "from:team2@northwind.example to:team2@northwind.example cc:team2@northwind.example bcc:team2@northwind.example} after:1787702400", scope.Queries[0]);
        var later = new ImportScope(Guid.NewGuid(), SyncScope.Aliases, aliases, [], window.AddDays(1), termsPerQuery: 2);
        Assert.Equal(scope.Fingerprint, later.Fingerprint);
        var changed = new ImportScope(Guid.NewGuid(), SyncScope.Aliases, aliases.Skip(1), [], window, termsPerQuery: 2);
        Assert.NotEqual(scope.Fingerprint, changed.Fingerprint);
        Assert.True(new ImportScope(Guid.NewGuid(), SyncScope.Aliases, [], [], window, 2).IsEmpty);
    }
}
