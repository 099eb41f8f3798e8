using EmailSync.Core.Mime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailSync.Tests.Mime;

public sealed class MimeServiceCollectionExtensionsTests
{
    [Fact]
    public void AddMime_RegistersParserWithBoundOptions_AndSanitizer()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Mime:MaxNestingDepth"] = "8",
            ["Mime:IncludeAttachmentContent"] = "true",
        });

        var parser = provider.GetRequiredService<IEmailParser>();
        var raw = new TestMessage().Text("x").Attach("a.txt", [1, 2, 3]).Bytes();

        Assert.Equal([1, 2, 3], parser.Parse(raw).Attachments[0].Content); // IncludeAttachmentContent from configuration
        Assert.Equal(8, provider.GetRequiredService<IOptions<MimeParseOptions>>().Value.MaxNestingDepth);
        Assert.Same(provider.GetRequiredService<IEmailHtmlSanitizer>(), provider.GetRequiredService<EmailHtmlSanitizer>());
    }

    [Fact]
    public void AddMime_RejectsOutOfRangeOptions_NamingTheSetting()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Mime:MaxNestingDepth"] = "1" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MimeParseOptions>>().Value);
        Assert.Contains("MaxNestingDepth", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddMime();
        return services.BuildServiceProvider();
    }
}
