using Bunit;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.GmailEmulator.Control;
using EmailSync.Tests.Infrastructure;
using EmailSync.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace EmailSync.Tests.Web.Settings;

/// <summary>
/// The real host (SQLite file, Core services, embedded Gmail emulator) for the settings component tests.
/// The scheduler is off so seeded mailbox rows keep the status a test gives them.
/// </summary>
public sealed class SettingsHost : WebAppFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Sync:Enabled"] = "false",
        ["GmailEmulator:MessagesPerMailbox"] = "5",
    };

    public GmailEmulatorControlClient Emulator => new(new HttpClient { BaseAddress = new Uri(BaseAddress, "/google/") });
}

[CollectionDefinition(Name)]
public sealed class SettingsComponentsCollection : ICollectionFixture<SettingsHost>
{
    public const string Name = "Settings components";
}

/// <summary>
/// The one base class of the settings component tests: a bUnit context with loose JSInterop and
/// MudBlazor's services, whose other services come from the real host, scoped to the demo organization
/// as its admin (so components talk to the real Core services over a real SQLite file).
/// </summary>
[Collection(SettingsComponentsCollection.Name)]
public abstract class SettingsComponentTest(SettingsHost host) : BunitContext, IAsyncLifetime
{
    private AsyncServiceScope? scope;

    protected SettingsHost Host => host;

    protected Guid OrganizationId { get; private set; }

    protected string AdminUserId { get; private set; } = "";

    /// <summary>A service of the tenant scope the components use.</summary>
    protected T Get<T>() where T : notnull => scope!.Value.ServiceProvider.GetRequiredService<T>();

    public virtual async Task InitializeAsync()
    {
        await host.ResetAsync();
        await using (var db = host.CreateSystemContext())
        {
            OrganizationId = await db.Organizations.Where(o => o.Name == DemoOptions.OrganizationName).Select(o => o.Id).SingleAsync();
            AdminUserId = await db.Users.Where(u => u.Email == Accounts.Admin).Select(u => u.Id).SingleAsync();
        }

        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });
        scope = host.CreateTenantScope(OrganizationId, AdminUserId, isAdmin: true);
        Services.AddFallbackServiceProvider(scope.Value.ServiceProvider);
    }

    /// <summary>Renders the popover and dialog providers a page's layout would hold; returns the dialog provider.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Popovers = Render<MudPopoverProvider>();
        return Render<MudDialogProvider>();
    }

    /// <summary>Where menus and autocomplete lists render (after <see cref="RenderProviders"/>).</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = null!;

    protected EmailSyncDbContext SystemDb() => host.CreateSystemContext();

    protected async Task<string> UserIdAsync(string email)
    {
        await using var db = host.CreateSystemContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    /// <summary>A mailbox row as the sync leaves it (no token: nothing will try to sync it).</summary>
    protected async Task<long> SeedMailboxAsync(string email, Action<MailboxConnection> set)
    {
        var connection = new MailboxConnection { UserId = await UserIdAsync(email), GoogleAccount = email };
        set(connection);
        await using var db = host.CreateSystemContext();
        db.MailboxConnections.Add(connection);
        await db.SaveChangesAsync();
        return connection.Id;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (scope is { } s)
        {
            await s.DisposeAsync();
        }
    }
}
