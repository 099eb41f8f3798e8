using EmailSync.GmailEmulator.Api;
using EmailSync.GmailEmulator.Control;
using EmailSync.GmailEmulator.Corpus;
using EmailSync.GmailEmulator.Model;
using EmailSync.GmailEmulator.OAuth;
using EmailSync.GmailEmulator.Push;
using EmailSync.GmailEmulator.Quota;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmailSync.GmailEmulator;

/// <summary>
/// Hosts the local Google (OAuth + Gmail API subset) either standalone (Program) or inside another
/// ASP.NET Core app under a path prefix (EmailSync.Web mounts it at /google).
/// </summary>
public static class EmulatorExtensions
{
    /// <summary>Registers the emulator. Options bind from the <c>GmailEmulator</c> configuration section, then <paramref name="configure"/> runs.</summary>
    public static IServiceCollection AddGmailEmulator(this IServiceCollection services, Action<GmailEmulatorOptions>? configure = null)
    {
        var builder = services.AddOptions<GmailEmulatorOptions>()
            .BindConfiguration(GmailEmulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Mailboxes.All(m => m.Address.Contains('@') && m.Aliases.All(a => a.Contains('@'))),
                "GmailEmulator:Mailboxes: every Address and alias must be an email address.")
            .Validate(o => o.Mailboxes.SelectMany(m => m.Aliases.Append(m.Address)).GroupBy(a => a.Trim().ToLowerInvariant()).All(g => g.Count() == 1),
                "GmailEmulator:Mailboxes: an address or alias is used twice.")
            .Validate(o => o.PushEndpoint is null || Uri.TryCreate(o.PushEndpoint, UriKind.Absolute, out _),
                "GmailEmulator:PushEndpoint must be an absolute URL.")
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero && o.HistoryRetention > TimeSpan.Zero,
                "GmailEmulator:AccessTokenLifetime and HistoryRetention must be positive.")
            .ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MailboxStore>();
        services.TryAddSingleton<EmulatorState>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<QuotaGovernor>();
        services.TryAddSingleton<FaultInjector>();
        services.TryAddSingleton<PushNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<PushNotifier>());
        services.TryAddSingleton<LiveMailService>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveMailService>());
        services.TryAddSingleton<GmailApi>();
        services.TryAddSingleton<BatchHandler>();
        services.TryAddSingleton<OAuthEndpoints>();
        services.TryAddSingleton<ControlApi>();
        services.TryAddSingleton<EmulatorHttpHandler>();
        return services;
    }

    /// <summary>
    /// Mounts every emulator route under <paramref name="prefix"/> ("" = the root) in a branch with the
    /// emulator's own router, so its paths never mix with the host's endpoints. Seeds the mailboxes now.
    /// </summary>
    public static IApplicationBuilder UseGmailEmulator(this IApplicationBuilder app, PathString prefix)
    {
        _ = app.ApplicationServices.GetRequiredService<EmulatorState>();
        var handler = app.ApplicationServices.GetRequiredService<EmulatorHttpHandler>();
        app.Map(prefix, branch => branch.Run(handler.HandleAsync));
        return app;
    }
}
