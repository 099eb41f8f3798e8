using EmailSync.Core.Association;
using EmailSync.Core.Data;
using EmailSync.Core.Gmail;
using EmailSync.Core.Mime;
using EmailSync.Core.Sync;
using EmailSync.Core.Organizations;
using EmailSync.Core.Replies;
using EmailSync.Core.Timeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EmailSync.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The one entry point that registers everything EmailSync.Core offers.</summary>
    public static IHostApplicationBuilder AddEmailSyncCore(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddData();
        builder.AddGmail();
        builder.Services.AddMime();
        builder.AddSync();
        builder.AddOrganizations();
        builder.AddAssociation();
        builder.AddAdminSettings();
        builder.Services.AddTimeline();
        builder.Services.AddReplies();
        return builder;
    }
}
