using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Core.Replies;

internal static class RepliesServiceCollectionExtensions
{
    /// <summary>Reply composition, drafts and the one sender (users.messages.send through the user's Gmail).</summary>
    public static void AddReplies(this IServiceCollection services)
    {
        services.AddScoped<IReplySender, GmailReplySender>();
        services.AddScoped<ReplyDraftService>();
        services.AddScoped<ReplyService>();
    }
}
