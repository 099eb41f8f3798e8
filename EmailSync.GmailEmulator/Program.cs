namespace EmailSync.GmailEmulator;

/// <summary>Standalone host: <c>dotnet run --project EmailSync.GmailEmulator -- --urls http://127.0.0.1:5081</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddGmailEmulator();
        var app = builder.Build();
        app.UseGmailEmulator("");
        app.Run();
    }
}
