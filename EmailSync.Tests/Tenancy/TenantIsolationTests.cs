using EmailSync.Core.Customers;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;

namespace EmailSync.Tests.Tenancy;

/// <summary>A user of organization A can never read, list or change organization B's rows.</summary>
public sealed class TenantIsolationTests(WebAppFactory app) : IClassFixture<WebAppFactory>, IAsyncLifetime
{
    private const string PasswordA = "Alpha-pass-123";
    private Organization orgA = null!;
    private Organization orgB = null!;
    private AppUser userA = null!;
    private long customerA;
    private long customerB;
    private long emailB;

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var organizations = scope.ServiceProvider.GetRequiredService<OrganizationService>();

        userA = new AppUser { UserName = "ana@alpha.example", Email = "ana@alpha.example", DisplayName = "Ana Alpha" };
        var userB = new AppUser { UserName = "bo@beta.example", Email = "bo@beta.example", DisplayName = "Bo Beta" };
        Assert.True((await users.CreateAsync(userA, PasswordA)).Succeeded);
        Assert.True((await users.CreateAsync(userB, "Beta-pass-123")).Succeeded);
        orgA = await organizations.CreateAsync("Alpha Success", userA.Id);
        orgB = await organizations.CreateAsync("Beta Collections", userB.Id);

        await using (var a = app.CreateTenantScope(orgA.Id, userA.Id))
        {
            customerA = (await a.ServiceProvider.GetRequiredService<CustomerService>().CreateAsync("Acme", ["acme.example"])).Id;
        }

        await using (var b = app.CreateTenantScope(orgB.Id, userB.Id))
        {
            customerB = (await b.ServiceProvider.GetRequiredService<CustomerService>().CreateAsync("Globex", ["globex.example"])).Id;
            await using var db = await b.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateDbContextAsync();
            var email = new EmailMessage { RfcMessageId = "secret@globex.example", Subject = "Beta's secret renewal terms", SentAt = DateTimeOffset.UtcNow };
            db.EmailMessages.Add(email);
            await db.SaveChangesAsync();
            emailB = email.Id;
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private AsyncServiceScope AsUserA() => app.CreateTenantScope(orgA.Id, userA.Id);

    [Fact]
    public async Task List_ShowsOnlyOwnOrganizationsCustomers()
    {
        await using var scope = AsUserA();
        var page = await scope.ServiceProvider.GetRequiredService<CustomerService>().ListAsync();
        Assert.Equal(["Acme"], page.Items.Select(c => c.Name));
        Assert.Equal(1, page.Total);

        var search = await scope.ServiceProvider.GetRequiredService<CustomerService>().ListAsync("globex");
        Assert.Empty(search.Items);
    }

    [Fact]
    public async Task Get_ByGuessedId_OfAnotherOrganization_FindsNothing()
    {
        await using var scope = AsUserA();
        var customers = scope.ServiceProvider.GetRequiredService<CustomerService>();
        Assert.NotNull(await customers.GetAsync(customerA));
        Assert.Null(await customers.GetAsync(customerB));

        await using var db = await scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateDbContextAsync();
        Assert.Null(await db.EmailMessages.FirstOrDefaultAsync(m => m.Id == emailB));
        Assert.Null(await db.Customers.FindAsync(customerB));
        Assert.Equal(0, await db.EmailMessages.CountAsync());
    }

    [Fact]
    public async Task Rename_And_Delete_OfAnotherOrganizationsCustomer_AreRefused()
    {
        await using (var scope = AsUserA())
        {
            var customers = scope.ServiceProvider.GetRequiredService<CustomerService>();
            await Assert.ThrowsAsync<CustomerNotFoundException>(() => customers.RenameAsync(customerB, "Hijacked"));
            await Assert.ThrowsAsync<CustomerNotFoundException>(() => customers.DeleteAsync(customerB));
        }

        await using var system = app.CreateSystemContext();
        var stored = await system.Customers.SingleAsync(c => c.Id == customerB);
        Assert.Equal("Globex", stored.Name);
    }

    [Fact]
    public async Task Writes_ToAnotherOrganizationsRows_AreRefused_EvenWhenAttachedDirectly()
    {
        await using var scope = AsUserA();
        var factory = scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>();

        await using (var db = await factory.CreateDbContextAsync())
        {
            var forged = new Customer { Id = customerB, OrganizationId = orgB.Id, Name = "Hijacked" };
            db.Customers.Attach(forged).Property(c => c.Name).IsModified = true;
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Customers.Add(new Customer { OrganizationId = orgB.Id, Name = "Planted" });
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
        }

        await using var system = app.CreateSystemContext();
        Assert.Equal("Globex", (await system.Customers.SingleAsync(c => c.Id == customerB)).Name);
        Assert.False(await system.Customers.AnyAsync(c => c.Name == "Planted"));
    }

    [Fact]
    public async Task NewRows_AreStampedWithTheCurrentOrganization()
    {
        await using var scope = AsUserA();
        var created = await scope.ServiceProvider.GetRequiredService<CustomerService>().CreateAsync("Initech", ["initech.example"]);
        await using var system = app.CreateSystemContext();
        Assert.Equal(orgA.Id, (await system.Customers.SingleAsync(c => c.Id == created.Id)).OrganizationId);
        Assert.All(await system.CustomerDomains.Where(d => d.CustomerId == created.Id).ToListAsync(), d => Assert.Equal(orgA.Id, d.OrganizationId));
    }

    [Fact]
    public async Task ContextWithoutOrganization_SeesNothing()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateDbContextAsync();
        Assert.Equal(0, await db.Customers.CountAsync());
        Assert.Equal(0, await db.EmailMessages.CountAsync());
    }

    [Fact]
    public async Task SwitchingToAnOrganizationTheUserIsNotIn_IsForbidden()
    {
        var client = app.CreateCookieClient();
        var login = await client.PostLoginAsync(userA.Email!, PasswordA);
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, await login.Content.ReadAsStringAsync());
        var token = await Accounts.GetAntiforgeryTokenAsync(client, "/account/password");

        var response = await client.PostAsync("/account/organization", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["organizationId"] = orgB.Id.ToString(),
        }));

        // Forbidden: the cookie handler turns 403 into the access-denied page.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        await using var system = app.CreateSystemContext();
        Assert.Equal(orgA.Id, (await system.Users.SingleAsync(u => u.Id == userA.Id)).CurrentOrganizationId);
    }
}
