using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmailSync.Core.Sync;

internal static class SyncServiceCollectionExtensions
{
    public static void AddSync(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SyncNotifier>();
        services.AddSingleton<SyncTrigger>();
        services.AddSingleton<MailboxLeases>();
        services.AddScoped<EmailStore>();
        services.AddScoped<IEmailLinker, AssociationLinker>();
        services.AddScoped<Association.IMessageBodyFetcher, GmailBodyFetcher>();
        services.AddScoped<MailboxSyncRunner>();
        services.AddScoped<MailboxConnections>();
        services.AddHostedService<SyncScheduler>();
    }
}
