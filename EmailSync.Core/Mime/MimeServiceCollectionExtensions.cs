using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Core.Mime;

public static class MimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the MIME parser (options bound from the "Mime" section, validated at start) and the email HTML
    /// sanitiser. Both are stateless singletons.
    /// </summary>
    public static IServiceCollection AddMime(this IServiceCollection services)
    {
        services.AddOptions<MimeParseOptions>()
            .BindConfiguration(MimeParseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IEmailParser, EmailParser>();
        services.AddSingleton(EmailHtmlSanitizer.Shared);
        services.AddSingleton<IEmailHtmlSanitizer>(EmailHtmlSanitizer.Shared);
        return services;
    }
}
