using EmailSync.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmailSync.Tests.Browser;

/// <summary>Signing in as a person does, in Chromium.</summary>
public sealed class SignInBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Admin_SignsIn_AndSeesTheShell() => browser.RunAsync(nameof(Admin_SignsIn_AndSeesTheShell), async page =>
    {
        await browser.SignInAsync(page, Accounts.Admin, Accounts.Password);

        var nav = page.Locator("nav, .mud-navmenu").First;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customers", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("No customers yet — add one, or connect Gmail.")).ToBeVisibleAsync();
        foreach (var item in new[] { "Customers", "Assistant", "Settings", "Profile" })
        {
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = item })).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByTestId("org-switcher")).ToContainTextAsync("Northwind Customer Success");

        await nav.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Import emails and aliases" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task Csm_SignsIn_AndIsRefusedSettings() => browser.RunAsync(nameof(Csm_SignsIn_AndIsRefusedSettings), async page =>
    {
        await browser.SignInAsync(page, Accounts.Csm, Accounts.Password);

        var nav = page.Locator(".mud-navmenu").First;
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Customers", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true })).ToHaveCountAsync(0);

        await page.GotoAsync("/settings");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not available to you" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Import emails and aliases")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task WrongPassword_StaysOnLogin_WithAnError() => browser.RunAsync(nameof(WrongPassword_StaysOnLogin_WithAnError), async page =>
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(Accounts.Admin);
        await page.GetByLabel("Password").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That email and password do not match an account.");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
    });
}
