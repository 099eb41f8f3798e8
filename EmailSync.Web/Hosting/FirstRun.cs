using EmailSync.Core.Organizations;

namespace EmailSync.Web.Hosting;

/// <summary>Remembers once the first organization exists, so the check costs nothing afterwards.</summary>
internal sealed class FirstRunState
{
    private volatile bool done;

    public async Task<bool> IsNeededAsync(OrganizationService organizations, CancellationToken ct)
    {
        if (done)
        {
            return false;
        }

        done = !await organizations.NeedsFirstRunAsync(ct);
        return !done;
    }
}

/// <summary>Until an organization exists, every page leads to /setup, which creates the first admin.</summary>
internal sealed class FirstRunMiddleware(RequestDelegate next, FirstRunState state)
{
    public async Task InvokeAsync(HttpContext context, OrganizationService organizations)
    {
        var path = context.Request.Path;
        var exempt = path.StartsWithSegments("/setup") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
            || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/google")
            || Path.HasExtension(path.Value);
        if (!exempt && HttpMethods.IsGet(context.Request.Method) && await state.IsNeededAsync(organizations, context.RequestAborted))
        {
            context.Response.Redirect("/setup");
            return;
        }

        await next(context);
    }
}
