using Microsoft.Extensions.Configuration.Json;

namespace EmailSync.Web.Hosting;

internal static class TopLevelSettings
{
    /// <summary>The repository-level appsettings.json, copied beside the binaries under this name.</summary>
    public const string FileName = "emailsync.appsettings.json";

    /// <summary>
    /// Adds the repository's top-level appsettings.json as the lowest-precedence JSON source, so that
    /// appsettings.{Environment}.json, environment variables and the command line still override it.
    /// </summary>
    public static void AddTopLevelSettings(this ConfigurationManager configuration)
    {
        var path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path))
        {
            return;
        }

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var firstJson = sources.Select((s, i) => (s, i)).FirstOrDefault(x => x.s is JsonConfigurationSource).i;
        var source = new JsonConfigurationSource { Path = FileName, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory);
        sources.Insert(firstJson, source);
    }
}
