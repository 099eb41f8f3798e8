using EmailSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Net;

namespace EmailSync.Tests.Web;

/// <summary>Bad settings fail start-up with a message that names them.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Database:Provider", "Oracle", "Database:Provider")]
    [InlineData("Google:UseEmbeddedEmulator", "false", "Google:ClientId")]
    [InlineData("Google:TokenEndpoint", "not a url", "Google:TokenEndpoint")]
    public void BadSetting_FailsStartup_NamingTheSetting(string key, string value, string named)
    {
        using var dir = new TestDirectory();
        using var factory = new ConfiguredFactory(dir, (key, value));
        var error = Assert.ThrowsAny<Exception>(() => factory.StartServer());
        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    private sealed class ConfiguredFactory : WebApplicationFactory<Program>
    {
        private readonly TestDirectory dir;
        private readonly (string Key, string Value) setting;

        public ConfiguredFactory(TestDirectory dir, (string Key, string Value) setting)
        {
            this.dir = dir;
            this.setting = setting;
            UseKestrel(0);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:ConnectionString", $"Data Source={dir.File("bad.db")}");
            builder.UseSetting("DataProtection:KeysFolder", dir.File("keys"));
            builder.UseSetting(setting.Key, setting.Value);
        }
    }
}

/// <summary>A production install starts with no accounts: the first-run page creates the admin.</summary>
public sealed class FirstRunTests(FirstRunTests.ProductionFactory app) : IClassFixture<FirstRunTests.ProductionFactory>
{
    public sealed class ProductionFactory : WebAppFactory
    {
        protected override string EnvironmentName => "Production";

        protected override bool SeedDemo => false;
    }

    [Fact]
    public async Task FreshInstall_LeadsToSetup_WhichCreatesTheFirstAdmin_ThenCloses()
    {
        var client = app.CreateCookieClient();
        var first = await client.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/setup", first.Headers.Location!.OriginalString);

        await using (var db = app.CreateSystemContext())
        {
            Assert.False(await db.Users.AnyAsync(), "Production must not seed any account or default password.");
        }

        var token = await Accounts.GetAntiforgeryTokenAsync(client, "/setup");
        var created = await client.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "setup",
            ["Input.OrganizationName"] = "Contoso Success",
            ["Input.DisplayName"] = "Casey Owner",
            ["Input.Email"] = "casey@contoso.example",
            ["Input.Password"] = "Owner-pass-2026",
        }));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        var settings = await client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Contains("Contoso Success", await settings.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = await app.CreateCookieClient().GetStringAsync("/setup");
        Assert.Contains("EmailSync is set up", again, StringComparison.Ordinal);
    }
}
