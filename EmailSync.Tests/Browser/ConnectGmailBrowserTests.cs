using EmailSync.Core.Domain;
using EmailSync.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace EmailSync.Tests.Browser;

/// <summary>Connect Gmail as a person does: the app → the (emulated) Google consent page → back, syncing.</summary>
public sealed class ConnectGmailBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => browser.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Csm_ConnectsGmail_ThroughConsent_AndSeesSyncingThenActive() => browser.RunAsync(nameof(Csm_ConnectsGmail_ThroughConsent_AndSeesSyncingThenActive), async page =>
    {
        await browser.SignInAsync(page, Accounts.Csm, Accounts.Password);
        await page.GotoAsync("/profile");
        await Assertions.Expect(page.GetByTestId("mailbox-status")).ToHaveTextAsync("NOT CONNECTED");

        await page.GetByTestId("connect-gmail").ClickAsync();

        // Google's consent page (the emulator's): the scopes asked for, the account, Allow.
        await Assertions.Expect(page.GetByText("View your email messages and settings")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Send email on your behalf")).ToHaveCountAsync(0);
        await page.GetByLabel(Accounts.Csm, new() { Exact = false }).CheckAsync();
        await page.Locator("#allow").ClickAsync();

        await page.WaitForURLAsync("**/profile?gmail=connected");
        await Assertions.Expect(page.GetByTestId("gmail-notice")).ToContainTextAsync("Gmail is connected");
        await Assertions.Expect(page.GetByTestId("google-account")).ToHaveTextAsync(Accounts.Csm);
        await Assertions.Expect(page.GetByTestId("mailbox-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("SYNCING|ACTIVE"));
        // Live update, no reload: the backfill finishes and the chip turns ACTIVE.
        await Assertions.Expect(page.GetByTestId("mailbox-status")).ToHaveTextAsync("ACTIVE", new() { Timeout = 60_000 });
        Directory.CreateDirectory(browser.ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.ScreenshotFolder, "profile-connected.png") });

        await using var db = browser.CreateSystemContext();
        var connection = await db.MailboxConnections.SingleAsync(c => c.GoogleAccount == Accounts.Csm);
        Assert.Equal(MailboxStatus.Active, connection.Status);
        Assert.NotNull(connection.EncryptedRefreshToken);
        Assert.DoesNotContain(connection.EncryptedRefreshToken!, await db.Database.SqlQueryRaw<string>("SELECT GrantedScopes AS Value FROM MailboxConnections").ToListAsync());
        Assert.True(await db.EmailSources.AnyAsync(s => s.MailboxConnectionId == connection.Id));
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "gmail.connected" && a.Target == Accounts.Csm));
    });

    [Fact]
    public Task DenyingConsent_ConnectsNothing_AndSaysSo() => browser.RunAsync(nameof(DenyingConsent_ConnectsNothing_AndSaysSo), async page =>
    {
        await browser.SignInAsync(page, Accounts.Csm, Accounts.Password);
        await page.GotoAsync("/profile");
        await page.GetByTestId("connect-gmail").ClickAsync();
        await page.Locator("#deny").ClickAsync();

        await page.WaitForURLAsync("**/profile?gmail=denied");
        await Assertions.Expect(page.GetByTestId("gmail-notice")).ToContainTextAsync("not granted");
        await Assertions.Expect(page.GetByTestId("mailbox-status")).ToHaveTextAsync("NOT CONNECTED");
    });
}
