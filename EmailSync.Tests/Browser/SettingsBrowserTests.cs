using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Sync;
using EmailSync.GmailEmulator.Control;
using EmailSync.Tests.Infrastructure;
using EmailSync.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using System.Text.RegularExpressions;

namespace EmailSync.Tests.Browser;

/// <summary>
/// The admin's first day in Chromium: switch import on, add and verify an alias with the code mailed to
/// it (read from the emulator's mailbox), then add a customer domain and watch its stored mail land on it.
/// </summary>
public sealed partial class SettingsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Billing = "billing@northwind.example";

    private GmailEmulatorControlClient Emulator => new(new HttpClient { BaseAddress = new Uri(browser.BaseAddress, "/google/") });

    public async Task InitializeAsync()
    {
        await browser.ResetAsync();
        await using var db = browser.CreateSystemContext();
        await db.Organizations.Where(o => o.Name == DemoOptions.OrganizationName).ExecuteUpdateAsync(u => u.SetProperty(o => o.GmailImportEnabled, false));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Admin_EnablesImport_VerifiesAnAlias_AndAddsACustomerDomain_WhoseMailAppears() => browser.RunAsync(nameof(Admin_EnablesImport_VerifiesAnAlias_AndAddsACustomerDomain_WhoseMailAppears), async page =>
    {
        var connection = await ConnectAdminMailboxAsync();
        await browser.SignInAsync(page, Accounts.Admin, Accounts.Password);
        await page.GotoAsync("/settings");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Import emails and aliases" })).ToHaveAttributeAsync("aria-selected", "true");

        await Assertions.Expect(page.Locator("[data-testid=import-card][data-interactive=true]")).ToBeVisibleAsync();

        // 1. Import on: the admin's connected mailbox starts importing the aliases' mail, live in the users table.
        var importSwitch = page.GetByTestId("import-switch");
        await Assertions.Expect(importSwitch).ToHaveAttributeAsync("aria-checked", "false");
        await importSwitch.CheckAsync(new() { Force = true });
        await Assertions.Expect(importSwitch).ToHaveAttributeAsync("aria-checked", "true");
        await Assertions.Expect(page.GetByText("Import is on")).ToBeVisibleAsync();
        var adminRow = page.Locator("tr.mailbox-user-row", new() { HasText = "Alex Admin" });
        await Assertions.Expect(adminRow.GetByTestId("mailbox-status")).ToHaveTextAsync("ACTIVE", new() { Timeout = 60_000 });
        await WaitForImportedMailAsync(connection);

        // 2. A new alias, verified with the code mailed to it.
        await page.GetByTestId("alias-address").FillAsync(Billing);
        await page.GetByTestId("alias-add").ClickAsync();
        var codeField = page.GetByTestId("alias-code");
        await Assertions.Expect(codeField).ToBeVisibleAsync();
        await codeField.FillAsync(await CodeMailedToAsync(Billing));
        await page.GetByTestId("alias-code-submit").ClickAsync();
        var billingRow = page.Locator("[data-testid=aliases-table] tbody tr", new() { HasText = Billing });
        await Assertions.Expect(billingRow.GetByTestId("alias-status")).ToHaveTextAsync("Verified");

        // 3. A customer with a domain that stored mail already involves.
        var (domain, expected) = await BusiestExternalDomainAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Customers and contacts" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/settings/customers$"));
        await page.GetByTestId("customers-add").First.ClickAsync();
        await page.GetByTestId("new-customer-name").FillAsync("Acme Corp");
        await page.GetByTestId("new-customer-save").ClickAsync();

        // The edit dialog opens on the new customer: add the domain, see how many emails it moves, apply.
        await page.GetByTestId("edit-domain-input").FillAsync(domain);
        await page.GetByTestId("edit-domain-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("preview-count")).ToHaveTextAsync(expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("rule-change-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("edit-domain-chip")).ToHaveTextAsync(domain);
        await page.GetByTestId("edit-done").ClickAsync();

        // Re-association runs in the background; the list shows the customer's emails when it finishes.
        var acmeRow = page.Locator("[data-testid=settings-customers-table] tbody tr", new() { HasText = "Acme Corp" });
        await Assertions.Expect(acmeRow.GetByTestId("customer-row-emails")).ToHaveTextAsync(expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("reassociation-done")).ToBeVisibleAsync();

        await using var db = browser.CreateSystemContext();
        var acme = await db.Customers.SingleAsync(c => c.Name == "Acme Corp");
        Assert.Equal(expected, await db.EmailLinks.CountAsync(l => l.CustomerId == acme.Id && !l.IsSuppressed));
        var actions = await db.AuditEvents.Select(a => a.Action).ToListAsync();
        Assert.Contains("import.enabled", actions);
        Assert.Contains("alias.verified", actions);
        Assert.Contains("customer.domain-added", actions);
    });

    /// <summary>Connects the admin's Gmail as the consent flow would end (see ConnectGmailBrowserTests for the flow itself).</summary>
    private async Task<long> ConnectAdminMailboxAsync()
    {
        var issued = await Emulator.IssueAccessTokenAsync(Accounts.Admin, [GmailScopes.Readonly], GoogleEndpoints.EmulatorClientId, includeRefreshToken: true);
        await using var db = browser.CreateSystemContext();
        var user = await db.Users.SingleAsync(u => u.Email == Accounts.Admin);
        var connection = new MailboxConnection
        {
            UserId = user.Id,
            GoogleAccount = Accounts.Admin,
            GrantedScopes = issued.Scope,
            EncryptedRefreshToken = browser.Services.GetRequiredService<RefreshTokenProtector>().Protect(issued.RefreshToken!),
            Status = MailboxStatus.Active,
        };
        db.MailboxConnections.Add(connection);
        await db.SaveChangesAsync();
        return connection.Id;
    }

    private async Task WaitForImportedMailAsync(long connectionId)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            await using var db = browser.CreateSystemContext();
            var state = await db.MailboxConnections.AsNoTracking().SingleAsync(c => c.Id == connectionId);
            if (state.Status == MailboxStatus.Active && state.SyncRequestedAt is null && await db.EmailSources.AnyAsync(s => s.MailboxConnectionId == connectionId))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The admin's mailbox imported nothing after import was switched on.");
    }

    /// <summary>The external domain most stored mail involves, and how many stored emails (with their threads) involve it.</summary>
    private async Task<(string Domain, int Emails)> BusiestExternalDomainAsync()
    {
        await using var db = browser.CreateSystemContext();
        var domain = await db.Set<EmailParticipant>()
            .Where(p => p.Domain != DemoOptions.Domain && !p.Domain.EndsWith("." + DemoOptions.Domain))
            .GroupBy(p => p.Domain)
            .OrderByDescending(g => g.Select(p => p.EmailMessageId).Distinct().Count())
            .Select(g => g.Key)
            .FirstAsync();
        Assert.False(await db.EmailLinks.AnyAsync(), "No mail should be linked before the customer exists.");
        return (domain, await ExpectedLinksAsync(db, domain));
    }

    /// <summary>Messages with a participant in the domain, plus the rest of their threads; automated and bulk mail is not linked.</summary>
    private static async Task<int> ExpectedLinksAsync(Core.Data.EmailSyncDbContext db, string domain)
    {
        var direct = db.EmailMessages.Where(m => m.Participants.Any(p => p.Domain == domain || p.Domain.EndsWith("." + domain)));
        var threads = direct.Where(m => m.ThreadKey != null).Select(m => m.ThreadKey);
        return await db.EmailMessages.CountAsync(m => direct.Any(d => d.Id == m.Id) || threads.Contains(m.ThreadKey));
    }

    private async Task<string> CodeMailedToAsync(string alias)
    {
        var messages = await Emulator.GetMessagesAsync(alias);
        var subject = messages.First(m => m.Subject.StartsWith("EmailSync verification code", StringComparison.Ordinal)).Subject;
        return CodeInSubject().Match(subject).Value;
    }

    [GeneratedRegex(@"\d{6}")]
    private static partial Regex CodeInSubject();
}
