using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmailSync.Core.Gmail;

internal static class GmailServiceCollectionExtensions
{
    public static void AddGmail(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GoogleOptions>().BindConfiguration(GoogleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GmailQuotaOptions>().BindConfiguration(GmailQuotaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GmailRetryOptions>().BindConfiguration(GmailRetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient("google-oauth");
        services.AddSingleton<GoogleEndpoints>();
        services.AddSingleton<AccessTokenCache>();
        services.AddSingleton<GoogleOAuthService>();
        services.AddSingleton<RefreshTokenProtector>();
        services.AddSingleton<QuotaGovernor>();
        services.AddSingleton<GmailClientFactory>();
    }
}
