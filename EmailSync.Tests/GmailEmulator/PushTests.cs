using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EmailSync.GmailEmulator.Control;
using EmailSync.GmailEmulator.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmailSync.Tests.GmailEmulator;

[Collection(EmulatorCollection.Name)]
public sealed class PushTests(EmulatorFixture fx)
{
    private sealed record Received(DateTimeOffset At, string EmailAddress, string HistoryId, string MessageId, string Subscription);

    private static async Task<(WebApplication App, string Url, ConcurrentQueue<Received> Inbox)> StartReceiverAsync()
    {
        var inbox = new ConcurrentQueue<Received>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Run(async ctx =>
        {
            var envelope = await JsonDocument.ParseAsync(ctx.Request.Body);
            var message = envelope.RootElement.GetProperty("message");
            var data = JsonDocument.Parse(Base64Url.Decode(message.GetProperty("data").GetString()!)).RootElement;
            inbox.Enqueue(new Received(DateTimeOffset.UtcNow, data.GetProperty("emailAddress").GetString()!, data.GetProperty("historyId").GetString()!,
                message.GetProperty("messageId").GetString()!, envelope.RootElement.GetProperty("subscription").GetString()!));
            ctx.Response.StatusCode = 204;
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/gmail/push";
        return (app, url, inbox);
    }

    private async Task<JsonElement> PostAsync(string token, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await fx.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task Watch_PushesAtOnce_ThenAtMostOncePerSecond_AndStopEndsIt()
    {
        var (receiver, url, inbox) = await StartReceiverAsync();
        try
        {
            await fx.Control.SetPushEndpointAsync(url);
            var box = await fx.NewMailboxAsync("push", messages: 5);
            var token = await fx.TokenAsync(box);

            var bad = await PostAsync(token, "gmail/v1/users/me/watch", "{\"topicName\":\"not-a-topic\"}");
            Assert.Equal(400, bad.GetProperty("error").GetProperty("code").GetInt32());

            var watch = await PostAsync(token, "gmail/v1/users/me/watch", "{\"topicName\":\"projects/emailsync/topics/gmail\",\"labelIds\":[\"INBOX\"]}");
            var expiration = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(watch.GetProperty("expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(expiration - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));
            await WaitUntilAsync(() => !inbox.IsEmpty, TimeSpan.FromSeconds(5));
            var first = Assert.Single(inbox);
            Assert.Equal(box, first.EmailAddress);
            Assert.Equal(watch.GetProperty("historyId").GetString(), first.HistoryId);
            Assert.False(string.IsNullOrEmpty(first.Subscription));

            DeliveredMessage last = null!;
            for (var i = 0; i < 4; i++)
            {
                last = await fx.Control.DeliverMessageAsync(box, new DeliverRequest { From = "c@acme.com", Subject = $"Burst {i}", Body = "x" });
            }

            await WaitUntilAsync(() => inbox.Any(r => r.HistoryId == last.HistoryId), TimeSpan.FromSeconds(5));
            var all = inbox.Where(r => r.EmailAddress == box).ToArray();
            Assert.Contains(all, r => r.HistoryId == last.HistoryId);
            Assert.InRange(all.Length, 2, 3); // a burst of four changes is coalesced
            for (var i = 1; i < all.Length; i++)
            {
                Assert.True(all[i].At - all[i - 1].At >= TimeSpan.FromMilliseconds(900), "at most one push per second per user");
            }

            Assert.Equal(all.Length, all.Select(r => r.MessageId).Distinct().Count());

            await PostAsync(token, "gmail/v1/users/me/stop", "");
            var count = inbox.Count;
            await fx.Control.DeliverMessageAsync(box, new DeliverRequest { From = "c@acme.com", Subject = "After stop", Body = "x" });
            await Task.Delay(1300);
            Assert.Equal(count, inbox.Count);
        }
        finally
        {
            await fx.Control.SetPushEndpointAsync(null);
            await receiver.StopAsync();
            await receiver.DisposeAsync();
        }
    }
}
