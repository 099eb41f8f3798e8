using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;

namespace EmailSync.Tests.Web;

/// <summary>Sign-in, sign-out, roles and organization switching over real HTTP.</summary>
public sealed class AuthorizationTests(WebAppFactory app) : IClassFixture<WebAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Anonymous_IsSentToLogin_WithReturnUrl()
    {
        var response = await app.CreateCookieClient().GetAsync("/customers");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login?ReturnUrl=%2Fcustomers", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task WrongPassword_ShowsAClearError_AndSetsNoCookie()
    {
        var client = app.CreateCookieClient();
        var response = await client.PostLoginAsync(Accounts.Admin, "not-the-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That email and password do not match an account.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task Admin_OpensSettings()
    {
        var client = await app.SignedInClientAsync(Accounts.Admin);
        var response = await client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Import emails and aliases", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/settings\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csm_IsRefusedSettings_AndDoesNotSeeItInTheMenu()
    {
        var client = await app.SignedInClientAsync(Accounts.Csm);
        var settings = await client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, settings.StatusCode);
        Assert.StartsWith("/account/denied", settings.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var customers = await client.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.OK, customers.StatusCode);
        var html = await customers.Content.ReadAsStringAsync();
        Assert.DoesNotContain("href=\"/settings\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/customers\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        var client = await app.SignedInClientAsync(Accounts.Csm);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/customers")).StatusCode);
        var token = await Accounts.GetAntiforgeryTokenAsync(client, "/account/password");

        var logout = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_ThenTheNewOneSignsIn()
    {
        var client = await app.SignedInClientAsync(Accounts.Csm);
        var token = await Accounts.GetAntiforgeryTokenAsync(client, "/account/password");
        var response = await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "change-password",
            ["Input.CurrentPassword"] = Accounts.Password,
            ["Input.NewPassword"] = "Brand-new-pass-42",
            ["Input.ConfirmPassword"] = "Brand-new-pass-42",
        }));
        Assert.Contains("Your password has been changed.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await app.CreateCookieClient().PostLoginAsync(Accounts.Csm, Accounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreateCookieClient().PostLoginAsync(Accounts.Csm, "Brand-new-pass-42")).StatusCode);
    }

    [Fact]
    public async Task MemberOfTwoOrganizations_SwitchesAndGetsThatOrganizationsRole()
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await using var db = app.CreateSystemContext();
            var csm = await db.Users.SingleAsync(u => u.Email == Accounts.Csm);
            var admin = await db.Users.SingleAsync(u => u.Email == Accounts.Admin);
            var second = await scope.ServiceProvider.GetRequiredService<OrganizationService>().CreateAsync("Northwind Collections", admin.Id);
            await scope.ServiceProvider.GetRequiredService<OrganizationService>().AddMemberAsync(second.Id, csm.Id, OrganizationRole.Admin);
        }

        var client = await app.SignedInClientAsync(Accounts.Csm);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/settings")).StatusCode);

        Guid secondId;
        await using (var db = app.CreateSystemContext())
        {
            secondId = (await db.Organizations.SingleAsync(o => o.Name == "Northwind Collections")).Id;
        }

        var token = await Accounts.GetAntiforgeryTokenAsync(client, "/account/password");
        var switched = await client.PostAsync("/account/organization", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["organizationId"] = secondId.ToString(),
            ["returnUrl"] = "/settings",
        }));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/settings", switched.Headers.Location!.OriginalString);

        var settings = await client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Contains("Northwind Collections", await settings.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_ReportsTheDatabase()
    {
        var response = await app.CreateCookieClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
