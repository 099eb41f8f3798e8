using EmailSync.Core;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.GmailEmulator;
using EmailSync.Web.Auth;
using EmailSync.Web.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;

namespace EmailSync.Web.Hosting;

public static class WebHostExtensions
{
    /// <summary>The web project's one DI entry point.</summary>
    public static WebApplicationBuilder AddEmailSyncWeb(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddTopLevelSettings();
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        builder.AddEmailSyncCore();
        var services = builder.Services;

        services.AddOptions<DemoOptions>()
            .BindConfiguration(DemoOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var dataFolder = Path.Combine(builder.Environment.ContentRootPath, "data");
        services.AddDataProtection()
            .SetApplicationName("EmailSync")
            .PersistKeysToFileSystem(new DirectoryInfo(builder.Configuration["DataProtection:KeysFolder"] ?? Path.Combine(dataFolder, "keys")));

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddHttpContextAccessor();
        services.AddCascadingAuthenticationState();
        services.AddScoped<CircuitHandler, TenantCircuitHandler>();

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "emailsync.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(EmailSyncClaims.MemberPolicy, p => p.RequireAuthenticatedUser().RequireClaim(EmailSyncClaims.OrganizationId))
            .AddPolicy(EmailSyncClaims.AdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(EmailSyncClaims.Role, nameof(OrganizationRole.Admin)));
        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<Core.Data.EmailSyncDbContext>()
            .AddClaimsPrincipalFactory<EmailSyncClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddSingleton<FirstRunState>();
        services.AddHostedService<DemoSeeder>();
        services.AddHostedService<EmbeddedGoogle>();

        if (builder.Configuration.GetValue($"{GoogleOptions.SectionName}:{nameof(GoogleOptions.UseEmbeddedEmulator)}", true))
        {
            // The demo's Google: the three demo users' mailboxes, the team aliases on them.
            services.AddGmailEmulator(o =>
            {
                if (o.Mailboxes.Count == 0)
                {
                    o.OrganizationDomain = DemoOptions.Domain;
                    o.Mailboxes = DemoOptions.Users.Select(u => new MailboxSeed
                    {
                        Address = u.Email,
                        DisplayName = u.Name,
                        Aliases = [.. DemoOptions.AliasesOf(u.Email)],
                    }).ToList();
                }
            });
        }

        return builder;
    }

    public static WebApplication UseEmailSyncWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        // A friendly page for browsers' GETs only: API and webhook callers get their status codes as they are.
        app.UseWhen(
            c => HttpMethods.IsGet(c.Request.Method) && !c.Request.Path.StartsWithSegments("/google") && !c.Request.Path.StartsWithSegments("/hooks") && !c.Request.Path.StartsWithSegments("/attachments"),
            b => b.UseStatusCodePagesWithReExecute("/not-found"));
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GoogleOptions>>().Value.UseEmbeddedEmulator)
        {
            app.UseGmailEmulator("/google");
        }

        app.MapHealthChecks("/healthz");
        app.UseAuthentication();
        app.UseMiddleware<TenantMiddleware>();
        app.UseMiddleware<FirstRunMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapGmailConnectEndpoints();
        app.MapAttachmentEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
