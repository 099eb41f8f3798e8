using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Sync;
using EmailSync.GmailEmulator.Control;
using EmailSync.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Globalization;

namespace EmailSync.Benchmarks;

/// <summary>
/// The real EmailSync.Web host (embedded emulator, fresh SQLite file, the demo organization) on a
/// loopback port, for the sync and latency benchmarks.
/// </summary>
internal sealed class BenchmarkApp : IAsyncDisposable
{
    public const string Mailbox = "admin@northwind.example";

    private readonly string folder;

    private BenchmarkApp(WebApplication app, string folder)
    {
        App = app;
        this.folder = folder;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        Emulator = new GmailEmulatorControlClient(new HttpClient { BaseAddress = new Uri(BaseAddress, "google/"), Timeout = TimeSpan.FromMinutes(5) });
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public GmailEmulatorControlClient Emulator { get; }

    public static async Task<BenchmarkApp> StartAsync(IDictionary<string, string?> settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "emailsync-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "EmailSync.Web", EnvironmentName = "Benchmark", ContentRootPath = folder });
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var defaults = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "bench.db")}",
            ["DataProtection:KeysFolder"] = Path.Combine(folder, "keys"),
            ["Demo:Enabled"] = "true",
            ["Demo:SeedCustomers"] = "false",
            ["Logging:LogLevel:Default"] = "Error",
            ["Sync:Tick"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings)
        {
            defaults[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(defaults);
        builder.AddEmailSyncWeb();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        var app = builder.Build();
        app.UseEmailSyncWeb();
        await app.StartAsync();
        return new BenchmarkApp(app, folder);
    }

    /// <summary>Connects the mailbox as the consent flow would end (refresh token stored encrypted) and starts syncing.</summary>
    public async Task<long> ConnectAsync(string mailbox)
    {
        var issued = await Emulator.IssueAccessTokenAsync(mailbox, [GmailScopes.Readonly], GoogleEndpoints.EmulatorClientId, includeRefreshToken: true);
        await using var db = App.Services.GetRequiredService<ISystemDbContextFactory>().CreateSystem();
        var user = await db.Users.SingleAsync(u => u.Email == mailbox);
        var connection = new MailboxConnection
        {
            UserId = user.Id,
            GoogleAccount = mailbox,
            GrantedScopes = issued.Scope,
            EncryptedRefreshToken = App.Services.GetRequiredService<RefreshTokenProtector>().Protect(issued.RefreshToken!),
            Status = MailboxStatus.Syncing,
        };
        db.MailboxConnections.Add(connection);
        await db.SaveChangesAsync();
        App.Services.GetRequiredService<SyncTrigger>().Request(connection.Id);
        return connection.Id;
    }

    /// <summary>Makes the demo organization import every mail with an outside party: one customer per outside domain.</summary>
    public async Task ImportEverythingAsync(string mailbox)
    {
        var truth = await Emulator.GetMessagesAsync(mailbox);
        var domains = truth
            .SelectMany(m => new[] { m.From }.Concat(m.To).Concat(m.Cc).Concat(m.Bcc))
            .Select(a => a.Trim().TrimEnd('>').Split('<').Last().Split('@').Last().ToLowerInvariant())
            .Where(d => d.Contains('.', StringComparison.Ordinal) && d != DemoOptions.Domain)
            .Distinct()
            .ToList();
        await using var db = App.Services.GetRequiredService<ISystemDbContextFactory>().CreateSystem();
        var org = await db.Organizations.SingleAsync();
        org.SyncScope = SyncScope.CustomerThreads;
        org.BackfillDays = Organization.MaxBackfillDays;
        foreach (var domain in domains)
        {
            db.Customers.Add(new Customer { OrganizationId = org.Id, Name = domain, Domains = [new CustomerDomain { OrganizationId = org.Id, Domain = domain }] });
        }

        await db.SaveChangesAsync();
    }

    public async Task<MailboxConnection> ConnectionAsync(long id)
    {
        await using var db = App.Services.GetRequiredService<ISystemDbContextFactory>().CreateSystem();
        return await db.MailboxConnections.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    public async Task<(int Listed, int Failed, int Sources, int DistinctSources)> CountsAsync(long id)
    {
        await using var db = App.Services.GetRequiredService<ISystemDbContextFactory>().CreateSystem();
        var states = await db.MailboxSyncStates.Where(s => s.MailboxConnectionId == id).ToListAsync();
        var sources = await db.EmailSources.Where(s => s.MailboxConnectionId == id).Select(s => s.GmailMessageId).ToListAsync();
        return (states.Sum(s => s.Listed), states.Sum(s => s.Failed), sources.Count, sources.Distinct().Count());
    }

    public async Task<bool> HasSourceAsync(long id, string gmailId)
    {
        await using var db = App.Services.GetRequiredService<ISystemDbContextFactory>().CreateSystem();
        return await db.EmailSources.AnyAsync(s => s.MailboxConnectionId == id && s.GmailMessageId == gmailId);
    }

    public static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static int IntArg(string[] args, string name, int fallback) => int.Parse(Arg(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }
}
