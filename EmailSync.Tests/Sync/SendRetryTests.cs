using EmailSync.Core.Gmail;
using EmailSync.Tests.Infrastructure;
using Google;
using Microsoft.Extensions.DependencyInjection;
using System.Text;

namespace EmailSync.Tests.Sync;

/// <summary>Sending is never repeated after an ambiguous failure: a 5xx may mean the mail went out.</summary>
public sealed class SendRetryTests(ManualSyncAppFactory app) : IClassFixture<ManualSyncAppFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        await app.Emulator.ClearFaultsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<GmailMailboxClient> SenderAsync()
    {
        var issued = await app.Emulator.IssueAccessTokenAsync(Accounts.Csm, [GmailScopes.Readonly, GmailScopes.Send], GoogleEndpoints.EmulatorClientId, includeRefreshToken: true);
        return app.Services.GetRequiredService<GmailClientFactory>().CreateWithRefreshToken(987654, Accounts.Csm, issued.RefreshToken!);
    }

    private static byte[] Mail(string subject) => Encoding.UTF8.GetBytes(
        $"From: {Accounts.Csm}\r\nTo: client@customer-send.example\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@northwind.example>\r\n\r\nHello.\r\n");

    [Fact]
    public async Task A5xxOnSend_IsNotRetried()
    {
        using var gmail = await SenderAsync();
        await app.Emulator.ResetQuotaCountersAsync();
        await app.Emulator.InjectFaultAsync("messages.send", count: 1, status: 500);

        await Assert.ThrowsAsync<GoogleApiException>(() => gmail.SendAsync(Mail("Once only"), null, CancellationToken.None));

        var counters = await app.Emulator.GetQuotaCountersAsync();
        Assert.Equal(1, counters.CallsByMethod.GetValueOrDefault("users.messages.send"));
    }

    [Fact]
    public async Task A429OnSend_IsRetried_BecauseGoogleRefusedIt()
    {
        using var gmail = await SenderAsync();
        await app.Emulator.InjectFaultAsync("messages.send", count: 1, status: 429);

        var sent = await gmail.SendAsync(Mail("After a rate limit"), null, CancellationToken.None);

        Assert.Contains("SENT", sent.LabelIds ?? []);
    }
}
