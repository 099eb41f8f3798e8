using Bunit;
using EmailSync.Core.Mime;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace EmailSync.Tests.Web.Customers;

/// <summary>
/// bUnit base for the customer pages' components: loose JSInterop, MudBlazor services and providers, the real
/// sanitiser; <see cref="UseApp"/> resolves everything else from a tenant scope of the real host (real SQLite).
/// </summary>
public abstract class CustomerComponentTestBase : BunitContext, IAsyncLifetime
{
    private AsyncServiceScope? appScope;

    protected CustomerComponentTestBase()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddSingleton<IEmailHtmlSanitizer>(EmailHtmlSanitizer.Shared);
    }

    /// <summary>Core services come from the real app, as the given user of the given organization.</summary>
    protected IServiceProvider UseApp(Infrastructure.WebAppFactory app, Guid organizationId, string? userId)
    {
        appScope = app.CreateTenantScope(organizationId, userId, isAdmin: false);
        Services.AddFallbackServiceProvider(appScope.Value.ServiceProvider);
        return appScope.Value.ServiceProvider;
    }

    /// <summary>Renders the popover and dialog hosts MudBlazor's tooltips, menus and dialogs live in.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Popovers = Render<MudPopoverProvider>();
        return Render<MudDialogProvider>();
    }

    /// <summary>Where menus, tooltips and autocomplete lists render (after <see cref="RenderProviders"/>).</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = null!;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously; xUnit 2 calls this before Dispose().
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (appScope is { } scope)
        {
            await scope.DisposeAsync();
        }
    }
}
