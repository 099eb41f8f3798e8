using System.Net.Http.Headers;
using System.Text.Json;
using EmailSync.GmailEmulator;
using EmailSync.GmailEmulator.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EmailSync.Tests.GmailEmulator;

/// <summary>
/// The emulator on Kestrel at 127.0.0.1 on a free port, mounted under /google inside a host that also
/// serves its own endpoint (as EmailSync.Web does), so every test also proves the prefix handling.
/// </summary>
public class EmulatorFixture : IAsyncLifetime
{
    public const string Alex = "alex.morgan@northwind-cs.com";
    public const string Bianca = "bianca.rocha@northwind-cs.com";
    public const string Readonly = "https://www.googleapis.com/auth/gmail.readonly";
    public const string Send = "https://www.googleapis.com/auth/gmail.send";
    public const string Metadata = "https://www.googleapis.com/auth/gmail.metadata";
    public const string Modify = "https://www.googleapis.com/auth/gmail.modify";
    public static readonly DateTimeOffset CorpusEnd = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private WebApplication? app;

    protected virtual string Prefix => "/google";

    protected virtual void Configure(GmailEmulatorOptions o)
    {
        o.Seed = 1234;
        o.MessagesPerMailbox = 600;
        o.CustomerCount = 12;
        o.CorpusEnd = CorpusEnd;
        o.QuotaTier = QuotaTier.Off;
    }

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The emulator root with a trailing slash, e.g. http://127.0.0.1:41234/google/.</summary>
    public Uri Root { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public GmailEmulatorControlClient Control { get; private set; } = null!;

    public IServiceProvider Services => app!.Services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ConfigureServices(builder.Services);
        builder.Services.AddGmailEmulator(Configure);
        app = builder.Build();
        app.UseGmailEmulator(Prefix);
        app.Run(ctx => ctx.Response.WriteAsync("host app"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Root = new Uri(address.TrimEnd('/') + Prefix + "/");
        Http = new HttpClient { BaseAddress = Root, Timeout = TimeSpan.FromSeconds(30) };
        Control = new GmailEmulatorControlClient(new HttpClient { BaseAddress = Root });
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Control.Http.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task<string> TokenAsync(string mailbox, params string[] scopes) =>
        (await Control.IssueAccessTokenAsync(mailbox, scopes.Length == 0 ? [Readonly] : scopes)).AccessToken;

    /// <summary>GET a Gmail path (relative to the root) with a bearer token; returns status and parsed JSON.</summary>
    public async Task<(int Status, JsonElement Json, HttpResponseMessage Response)> GetAsync(string token, string relative)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, relative);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, json, response);
    }

    public async Task<JsonElement> GetOkAsync(string token, string relative)
    {
        var (status, json, _) = await GetAsync(token, relative);
        Assert.True(status == 200, $"GET {relative} → {status}: {json}");
        return json;
    }

    /// <summary>A new empty mailbox with a unique address (tests that mutate state use their own).</summary>
    public async Task<string> NewMailboxAsync(string name, int messages = 0, params string[] aliases)
    {
        var address = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)] + "@northwind-cs.com";
        await Control.CreateMailboxAsync(new CreateMailboxRequest(address, name, aliases, messages));
        return address;
    }
}

/// <summary>An emulator of its own (for global settings such as quota) with a clock the tests move.</summary>
public sealed class ClockedEmulatorFixture : EmulatorFixture
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 2, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Mounted at the root, as the standalone host does (the shared fixture uses /google).</summary>
    protected override string Prefix => "";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void Configure(GmailEmulatorOptions o)
    {
        base.Configure(o);
        o.MessagesPerMailbox = 30;
        o.LiveMailInterval = TimeSpan.FromHours(1);
    }
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "GmailEmulator";
}
