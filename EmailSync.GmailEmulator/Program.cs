namespace EmailSync.GmailEmulator;

/// <summary>
/// Standalone host: <c>dotnet run --project EmailSync.GmailEmulator -- --urls http://127.0.0.1:5081 --seed 7 --messages 2000</c>.
/// Any option can also be given as <c>--GmailEmulator:Name=value</c> or the env var <c>GmailEmulator__Name</c>.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--seed"] = "GmailEmulator:Seed",
        ["--messages"] = "GmailEmulator:MessagesPerMailbox",
        ["--customers"] = "GmailEmulator:CustomerCount",
        ["--domain"] = "GmailEmulator:OrganizationDomain",
        ["--span-days"] = "GmailEmulator:BackfillSpanDays",
        ["--eml-folder"] = "GmailEmulator:EmlFolder",
        ["--mbox"] = "GmailEmulator:MboxFile",
        ["--mailbox"] = "GmailEmulator:LoadIntoMailbox",
        ["--quota"] = "GmailEmulator:QuotaTier",
        ["--push-endpoint"] = "GmailEmulator:PushEndpoint",
        ["--live-mail"] = "GmailEmulator:LiveMailInterval",
    };

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, Switches);
        builder.Services.AddGmailEmulator();
        var app = builder.Build();
        app.UseGmailEmulator(PathString.Empty);
        app.Run();
    }
}
