using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Core.Timeline;

internal static class TimelineServiceCollectionExtensions
{
    /// <summary>The Customer 360 reads: customers list, timeline, attachment downloads.</summary>
    public static void AddTimeline(this IServiceCollection services)
    {
        services.AddScoped<CustomerDirectory>();
        services.AddScoped<TimelineService>();
        services.AddScoped<AttachmentContentService>();
    }
}
