namespace EmailSync.GmailEmulator;

/// <summary>
/// Hosts the local Google (OAuth + Gmail API subset) either standalone (Program.cs) or inside
/// another ASP.NET Core app under a path prefix.
/// </summary>
public static class EmulatorExtensions
{
    public static IServiceCollection AddGmailEmulator(this IServiceCollection services) => services;

    public static IApplicationBuilder UseGmailEmulator(this IApplicationBuilder app, PathString prefix) =>
        app.Map(prefix.Add("/emulator/status"), b => b.Run(c => c.Response.WriteAsJsonAsync(new { status = "ok" })));
}
