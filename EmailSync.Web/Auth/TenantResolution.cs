using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using System.Security.Claims;

namespace EmailSync.Web.Auth;

internal static class TenantResolution
{
    public static void SetFrom(this TenantContext tenant, ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            tenant.Set(null, null, false);
            return;
        }

        var org = Guid.TryParse(user.FindFirstValue(EmailSyncClaims.OrganizationId), out var id) ? id : (Guid?)null;
        tenant.Set(
            user.FindFirstValue(ClaimTypes.NameIdentifier),
            org,
            user.FindFirstValue(EmailSyncClaims.Role) == nameof(OrganizationRole.Admin));
    }
}

/// <summary>Fills the request's tenant from the authenticated cookie.</summary>
internal sealed class TenantMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, TenantContext tenant)
    {
        tenant.SetFrom(context.User);
        return next(context);
    }
}

/// <summary>
/// Fills a Blazor circuit's tenant (circuits have their own scope, outside any HTTP request) and keeps
/// it current before every inbound event.
/// </summary>
internal sealed class TenantCircuitHandler(AuthenticationStateProvider authentication, TenantContext tenant) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        tenant.SetFrom((await authentication.GetAuthenticationStateAsync()).User);
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            tenant.SetFrom((await authentication.GetAuthenticationStateAsync()).User);
            await next(context);
        };

    private async void OnAuthenticationChanged(Task<AuthenticationState> state)
    {
        try
        {
            tenant.SetFrom((await state).User);
        }
        catch (InvalidOperationException)
        {
            tenant.Set(null, null, false);
        }
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnAuthenticationChanged;
}
