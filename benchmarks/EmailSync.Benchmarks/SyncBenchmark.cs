using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using System.Diagnostics;
using System.Globalization;
using EmulatorTier = EmailSync.GmailEmulator.QuotaTier;

namespace EmailSync.Benchmarks;

/// <summary>
/// Backfills one mailbox into a fresh SQLite database through the real pipeline (Gmail client → MIME
/// parse → associate → store) and prints one line of figures.
/// Options: --messages N (3000), --quota off|legacy|2026 (off), --eml-dir DIR --mailbox ADDRESS.
/// </summary>
public static class SyncBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var messages = BenchmarkApp.IntArg(args, "--messages", 3000);
        var quota = BenchmarkApp.Arg(args, "--quota", "off").ToLowerInvariant();
        var emlDir = BenchmarkApp.Arg(args, "--eml-dir", "");
        var mailbox = BenchmarkApp.Arg(args, "--mailbox", BenchmarkApp.Mailbox).ToLowerInvariant();
        var (appTier, emulatorTier, limit) = quota switch
        {
            "legacy" => (QuotaTier.Legacy, EmulatorTier.Legacy, QuotaCosts.PerUserPerMinute(QuotaTier.Legacy)),
            "2026" => (QuotaTier.Tier2026, EmulatorTier.Tier2026, QuotaCosts.PerUserPerMinute(QuotaTier.Tier2026)),
            _ => (QuotaTier.Legacy, EmulatorTier.Off, 0),
        };

        var settings = new Dictionary<string, string?>
        {
            ["GmailEmulator:MessagesPerMailbox"] = emlDir.Length > 0 ? "0" : messages.ToString(CultureInfo.InvariantCulture),
            ["GmailEmulator:BackfillSpanDays"] = "360",
            ["GmailEmulator:QuotaTier"] = emulatorTier.ToString(),
            ["Google:Quota:Enabled"] = quota == "off" ? "false" : "true",
            ["Google:Quota:Tier"] = appTier.ToString(),
            ["Sync:Slice"] = "00:10:00",
        };
        if (emlDir.Length > 0)
        {
            settings["GmailEmulator:EmlFolder"] = Path.GetFullPath(emlDir);
            settings["GmailEmulator:LoadIntoMailbox"] = mailbox;
        }

        await using var app = await BenchmarkApp.StartAsync(settings);
        if (mailbox != BenchmarkApp.Mailbox)
        {
            Console.Error.WriteLine($"--mailbox must be a demo user's address ({BenchmarkApp.Mailbox}) so the import has an owner.");
            return 2;
        }

        await app.ImportEverythingAsync(mailbox);
        double parseSeconds = 0, storeSeconds = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EmailSync.Sync")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        var sums = new object();
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            lock (sums)
            {
                if (instrument.Name == "emailsync.sync.parse.duration")
                {
                    parseSeconds += value;
                }
                else if (instrument.Name == "emailsync.sync.store.duration")
                {
                    storeSeconds += value;
                }
            }
        });
        listener.Start();
        await app.Emulator.ResetQuotaCountersAsync();
        var clock = Stopwatch.StartNew();
        var id = await app.ConnectAsync(mailbox);
        MailboxConnection connection;
        while (true)
        {
            connection = await app.ConnectionAsync(id);
            if (connection.Status is MailboxStatus.Active or MailboxStatus.Unauthorized)
            {
                break;
            }

            await Task.Delay(100);
        }

        clock.Stop();
        var (listed, failed, sources, distinct) = await app.CountsAsync(id);
        var counters = await app.Emulator.GetQuotaCountersAsync();
        var units = counters.UnitsByMethod.Values.Sum();
        var listUnits = counters.UnitsByMethod.GetValueOrDefault("users.messages.list");
        var getUnits = counters.UnitsByMethod.GetValueOrDefault("users.messages.get");
        var perMessage = sources == 0 ? 0 : (double)units / sources;
        var unavoidable = sources == 0 ? 0 : (double)(listUnits + QuotaCosts.Of(GmailMethod.MessagesGet, appTier) * (long)sources) / sources;
        var rate = units / clock.Elapsed.TotalMinutes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sync quota={quota} listed={listed} imported={sources} failed={failed} duplicates={sources - distinct} wall={clock.Elapsed.TotalSeconds:F1}s " +
            $"rate={sources / clock.Elapsed.TotalSeconds:F0} msg/s units/msg={perMessage:F2} (unavoidable {unavoidable:F2}, x{(unavoidable == 0 ? 0 : perMessage / unavoidable):F2}) " +
            $"pipeline(parse+associate+store)={sources / Math.Max(parseSeconds + storeSeconds, 1e-9):F0} msg/s ({parseSeconds:F1}s parse, {storeSeconds:F1}s associate+store) " +
            $"unit-rate={rate:F0}/min{(limit > 0 ? $" = {rate / limit:P0} of the {limit}/min tier limit" : "")} rejected={counters.Rejected} status={connection.Status}{(connection.LastError is null ? "" : $" error={connection.LastError}")}"));
        _ = getUnits;
        return connection.Status == MailboxStatus.Active ? 0 : 1;
    }
}

/// <summary>
/// Delivers messages while the mailbox is ACTIVE and measures delivery → stored, by polling and by push.
/// Options: --messages N (10), --poll-seconds N (60), --interval-ms N (1500).
/// </summary>
public static class LatencyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchmarkApp.IntArg(args, "--messages", 10);
        var poll = BenchmarkApp.IntArg(args, "--poll-seconds", 60);
        var interval = BenchmarkApp.IntArg(args, "--interval-ms", 1500);
        foreach (var push in new[] { false, true })
        {
            var settings = new Dictionary<string, string?>
            {
                ["GmailEmulator:MessagesPerMailbox"] = "200",
                ["Sync:PollInterval"] = TimeSpan.FromSeconds(push ? 3600 : poll).ToString("c", CultureInfo.InvariantCulture),
                ["Sync:PushSecret"] = push ? "bench-secret" : null,
                ["Sync:PushTopic"] = push ? "projects/emailsync-local/topics/gmail" : null,
            };
            await using var app = await BenchmarkApp.StartAsync(settings);
            if (push)
            {
                await app.Emulator.SetPushEndpointAsync(new Uri(app.BaseAddress, "hooks/gmail/push?token=bench-secret").ToString());
            }

            var id = await app.ConnectAsync(BenchmarkApp.Mailbox);
            while ((await app.ConnectionAsync(id)).Status != MailboxStatus.Active)
            {
                await Task.Delay(100);
            }

            var pending = new List<(string Id, Stopwatch Clock)>();
            var seen = new List<double>();
            for (var i = 0; i < count; i++)
            {
                var delivered = await app.Emulator.DeliverMessageAsync(BenchmarkApp.Mailbox, new EmailSync.GmailEmulator.Control.DeliverRequest
                {
                    From = "latency@customer-bench.example",
                    To = ["collections@northwind.example"],
                    Subject = $"Latency probe {i}",
                    Body = "Probe.",
                });
                pending.Add((delivered.Id, Stopwatch.StartNew()));
                var until = DateTime.UtcNow.AddMilliseconds(interval);
                while (DateTime.UtcNow < until)
                {
                    await CollectAsync(app, id, pending, seen);
                    await Task.Delay(25);
                }
            }

            var deadline = DateTime.UtcNow.AddSeconds(poll + 30);
            while (pending.Count > 0 && DateTime.UtcNow < deadline)
            {
                await CollectAsync(app, id, pending, seen);
                await Task.Delay(25);
            }

            seen.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency mode={(push ? "push" : $"polling({poll}s)")} delivered={count} visible={seen.Count} p50={Percentile(seen, 0.5):F2}s p95={Percentile(seen, 0.95):F2}s max={(seen.Count > 0 ? seen[^1] : double.NaN):F2}s"));
        }

        return 0;
    }

    private static async Task CollectAsync(BenchmarkApp app, long id, List<(string Id, Stopwatch Clock)> pending, List<double> seen)
    {
        foreach (var item in pending.ToList())
        {
            if (await app.HasSourceAsync(id, item.Id))
            {
                seen.Add(item.Clock.Elapsed.TotalSeconds);
                pending.Remove(item);
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
