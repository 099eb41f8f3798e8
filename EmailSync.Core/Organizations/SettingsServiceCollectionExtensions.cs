using EmailSync.Core.Gmail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EmailSync.Core.Organizations;

/// <summary>What the admin settings pages need beyond the association services: import settings, members' mailboxes, aliases.</summary>
internal static class SettingsServiceCollectionExtensions
{
    public static void AddAdminSettings(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<ImportSettingsService>();
        services.AddScoped<OrganizationMailboxes>();
        services.AddScoped<AliasService>();

        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<EmulatorAliasCodeSender>(c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddTransient<SmtpAliasCodeSender>();
        services.AddScoped<IAliasCodeSender>(sp =>
            sp.GetRequiredService<IOptions<SmtpOptions>>().Value.IsConfigured ? sp.GetRequiredService<SmtpAliasCodeSender>()
            : sp.GetRequiredService<GoogleEndpoints>().UsesEmulator ? sp.GetRequiredService<EmulatorAliasCodeSender>()
            : new UnconfiguredAliasCodeSender());
    }
}
