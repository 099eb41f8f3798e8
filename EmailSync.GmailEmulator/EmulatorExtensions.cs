namespace EmailSync.GmailEmulator;

/// <summary>
/// Hosts the local Google (OAuth + Gmail API subset) either standalone (Program.cs) or inside
/// another ASP.NET Core app under a path prefix.
/// </summary>
public static class EmulatorExtensions
{
    public static IServiceCollection AddGmailEmulator(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapGmailEmulator(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        endpoints.MapGet($"{prefix}/emulator/status", () => Results.Ok(new { status = "ok" }));
        return endpoints;
    }
}
