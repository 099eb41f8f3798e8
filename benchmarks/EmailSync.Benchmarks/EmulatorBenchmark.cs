using System.Diagnostics;
using System.Globalization;
using System.Net;
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

namespace EmailSync.Benchmarks;

/// <summary>
/// messages.get?format=raw over loopback against an in-process emulator with quota off.
/// Options: --seconds N (10), --concurrency N (32), --messages N (20000), --distinct N (2000).
/// </summary>
public static class EmulatorBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var concurrency = Option(args, "--concurrency", 32);
        var messages = Option(args, "--messages", 20_000);
        var distinct = Option(args, "--distinct", 2_000);
        const string mailbox = "bench@northwind-cs.com";

        var generation = Stopwatch.StartNew();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddGmailEmulator(o =>
        {
            o.Seed = 42;
            o.QuotaTier = QuotaTier.Off;
            o.Mailboxes = [new MailboxSeed { Address = mailbox, DisplayName = "Bench", MessageCount = messages }];
        });
        await using var app = builder.Build();
        app.UseGmailEmulator(PathString.Empty);
        generation.Stop();
        await app.StartAsync();
        var root = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = root };
        var control = new GmailEmulatorControlClient(http);
        var token = (await control.IssueAccessTokenAsync(mailbox, ["https://www.googleapis.com/auth/gmail.readonly"])).AccessToken;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var ids = (await control.GetMessagesAsync(mailbox)).Take(distinct).Select(m => m.Id).ToArray();
        var urls = ids.Select(id => $"gmail/v1/users/me/messages/{id}?format=raw").ToArray();

        // sanity: the answer is a real message
        using (var doc = JsonDocument.Parse(await http.GetStringAsync(urls[0])))
        {
            if (doc.RootElement.GetProperty("raw").GetString() is not { Length: > 100 })
            {
                throw new InvalidOperationException("format=raw returned no message");
            }
        }

        // cold pass: every message of the mailbox fetched once, so each is rendered by MimeKit on the spot
        var allUrls = (await control.GetMessagesAsync(mailbox)).Skip(ids.Length).Select(m => $"gmail/v1/users/me/messages/{m.Id}?format=raw").ToArray();
        var cold = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < allUrls.Length)
            {
                using var response = await http.GetAsync(allUrls[i]);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
        })));
        cold.Stop();

        await LoadAsync(http, urls, concurrency, TimeSpan.FromSeconds(Math.Min(3, seconds)), null); // warm-up: JIT, caches, connections
        var latencies = new List<double>[concurrency];
        var (count, bytes, errors, elapsed) = await LoadAsync(http, urls, concurrency, TimeSpan.FromSeconds(seconds), latencies);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"emulator messages.get?format=raw: {count / elapsed.TotalSeconds:N0} req/s ({count:N0} requests in {elapsed.TotalSeconds:F1} s, {concurrency} concurrent, {errors} errors, p50 {P(0.5):F2} ms, p99 {P(0.99):F2} ms, {bytes / elapsed.TotalSeconds / 1_048_576:F1} MiB/s, {ids.Length:N0} distinct ids, mailbox of {messages:N0} generated in {generation.Elapsed.TotalSeconds:F2} s; first fetch of the other {allUrls.Length:N0} (rendered on demand) {allUrls.Length / cold.Elapsed.TotalSeconds:N0} req/s; quota off, {Environment.ProcessorCount} cores)"));
        await app.StopAsync();
        return errors == 0 ? 0 : 1;
    }

    private static async Task<(long Count, long Bytes, long Errors, TimeSpan Elapsed)> LoadAsync(HttpClient http, string[] urls, int concurrency, TimeSpan duration, List<double>[]? latencies)
    {
        long count = 0, bytes = 0, errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var local = latencies is null ? null : latencies[w] = new List<double>(100_000);
            var i = w * 7919;
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(urls[i++ % urls.Length], HttpCompletionOption.ResponseContentRead);
                var body = await response.Content.ReadAsByteArrayAsync();
                local?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Add(ref bytes, body.Length);
                Interlocked.Increment(ref count);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (count, bytes, errors, stopwatch.Elapsed);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
