using EmailSync.Core.Gmail;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EmailSync.Web.Hosting;

/// <summary>
/// With the embedded emulator, Google is this app's own /google path: once Kestrel listens, point the
/// server-to-server endpoints (token, Gmail API) at the loopback address it bound.
/// </summary>
internal sealed class EmbeddedGoogle(IServer server, GoogleEndpoints endpoints, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (endpoints.UsesEmulator)
        {
            lifetime.ApplicationStarted.Register(() => endpoints.UseEmulatorAt(new Uri(LoopbackAddress(server) + GoogleEndpoints.EmulatorPath)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static string LoopbackAddress(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.First();
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "localhost" ? "127.0.0.1" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
