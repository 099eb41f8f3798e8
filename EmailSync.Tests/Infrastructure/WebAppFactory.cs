using EmailSync.Core.Data;
using EmailSync.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Respawn;

namespace EmailSync.Tests.Infrastructure;

/// <summary>
/// The real EmailSync.Web host on a loopback Kestrel port with its own SQLite file, key ring and the
/// demo organization seeded. <see cref="ResetAsync"/> empties the database with Respawn and reseeds.
/// </summary>
public class WebAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TestDirectory directory = new();
    private Respawner? respawner;

    public WebAppFactory() => UseKestrel(0);

    public string DatabasePath => SharedDatabasePath ?? directory.File("emailsync.db");

    /// <summary>The Data Protection key ring; a second host on the same database must share it.</summary>
    public string KeysFolder => SharedKeysFolder ?? directory.File("keys");

    public string? SharedKeysFolder { get; init; }

    /// <summary>The environment the host runs in; Production exercises the first-run page.</summary>
    protected virtual string EnvironmentName => "Testing";

    protected virtual bool SeedDemo => true;

    /// <summary>Extra settings a fixture adds (or overrides) on top of the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>
    /// A SQLite file to use instead of a private one (two hosts on one database). The factory that
    /// does not own it neither resets nor deletes it.
    /// </summary>
    public string? SharedDatabasePath { get; init; }

    /// <summary>The loopback address Kestrel listens on (a free port chosen at start).</summary>
    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()
        .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        // Serve MudBlazor's _content files from the build output, as `dotnet run` does in Development.
        builder.UseStaticWebAssets();
        // As in Development: a singleton that captures a scoped service fails the build of the host.
        builder.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", $"Data Source={DatabasePath}");
        builder.UseSetting("DataProtection:KeysFolder", KeysFolder);
        builder.UseSetting("Demo:Enabled", SeedDemo ? "true" : "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Quiet, fast defaults for tests: the scheduler ticks often; retries wait milliseconds.
        builder.UseSetting("Sync:Tick", "00:00:00.200");
        builder.UseSetting("Google:Retry:BaseDelay", "00:00:00.020");
        builder.UseSetting("Google:Retry:MaxDelay", "00:00:00.300");
        builder.UseSetting("GmailEmulator:MessagesPerMailbox", "60");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public virtual async Task InitializeAsync()
    {
        StartServer();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Sqlite,
            TablesToIgnore = ["__EFMigrationsHistory"],
        });
    }

    /// <summary>Empties every table and seeds the demo organization again.</summary>
    public async Task ResetAsync()
    {
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            await connection.OpenAsync();
            await respawner!.ResetAsync(connection);
        }

        if (SeedDemo)
        {
            await DemoSeeder.SeedAsync(Services, CancellationToken.None);
        }
    }

    /// <summary>A scope whose tenant is the given organization, for arranging data through Core services.</summary>
    public AsyncServiceScope CreateTenantScope(Guid organizationId, string? userId = null, bool isAdmin = true)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Core.Tenancy.TenantContext>().Set(userId, organizationId, isAdmin);
        return scope;
    }

    public EmailSyncDbContext CreateSystemContext() =>
        Services.CreateScope().ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateSystem();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        directory.Dispose();
        GC.SuppressFinalize(this);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
