using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;

namespace EmailSync.Core.Gmail;

public enum GmailMethod
{
    GetProfile,
    LabelsList,
    HistoryList,
    MessagesList,
    MessagesGet,
    AttachmentsGet,
    ThreadsGet,
    MessagesSend,
    Watch,
    Stop,
}

public enum QuotaTier
{
    /// <summary>Projects that used the API Nov 2025 – Apr 2026: 15,000 units/user/minute, messages.get 5 units.</summary>
    Legacy,

    /// <summary>New projects since 1 May 2026: 6,000 units/user/minute, messages.get 20 units.</summary>
    Tier2026,
}

/// <summary>Gmail's per-method quota units for each tier (reference/gmail-api.md §3).</summary>
public static class QuotaCosts
{
    public static int Of(GmailMethod method, QuotaTier tier) => method switch
    {
        GmailMethod.GetProfile or GmailMethod.LabelsList => 1,
        GmailMethod.HistoryList => 2,
        GmailMethod.MessagesList => 5,
        GmailMethod.MessagesGet or GmailMethod.AttachmentsGet => tier == QuotaTier.Legacy ? 5 : 20,
        GmailMethod.ThreadsGet => tier == QuotaTier.Legacy ? 10 : 40,
        GmailMethod.MessagesSend or GmailMethod.Watch => 100,
        GmailMethod.Stop => 50,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static int PerUserPerMinute(QuotaTier tier) => tier == QuotaTier.Legacy ? 15_000 : 6_000;

    public const int PerProjectPerMinute = 1_200_000;
}

public sealed class GmailQuotaOptions
{
    public const string SectionName = "Google:Quota";

    /// <summary>Off only for speed runs against an emulator with quota off.</summary>
    public bool Enabled { get; set; } = true;

    public QuotaTier Tier { get; set; } = QuotaTier.Legacy;

    /// <summary>Overrides the tier's per-user limit (units per minute).</summary>
    [Range(1, 100_000_000)] public int? PerUserPerMinute { get; set; }

    /// <summary>Overrides the project limit (units per minute), shared by every mailbox.</summary>
    [Range(1, 1_000_000_000)] public int? PerProjectPerMinute { get; set; }

    /// <summary>Requests in flight per Google account (Google's cap is unpublished; 5–10 is safe).</summary>
    [Range(1, 64)] public int MaxConcurrentPerUser { get; set; } = 6;

    /// <summary>Fraction of the limit the governor aims at, leaving room for clock skew.</summary>
    [Range(0.5, 1.0)] public double TargetFraction { get; set; } = 0.95;

    public int UserLimit => PerUserPerMinute ?? QuotaCosts.PerUserPerMinute(Tier);

    public int ProjectLimit => PerProjectPerMinute ?? QuotaCosts.PerProjectPerMinute;
}

/// <summary>
/// Token buckets per Google account and for the whole project, refilled continuously at the
/// configured fraction of the per-minute limits, plus a per-account concurrency cap. A caller takes
/// the units a call costs before making it; a bucket may go into debt for a batch larger than its
/// burst, and later callers wait until it is paid back, so the average stays under the limit.
/// </summary>
public sealed class QuotaGovernor(Microsoft.Extensions.Options.IOptions<GmailQuotaOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, TokenBucket> users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<TokenBucket> project = new(() => new TokenBucket(options.Value.ProjectLimit * options.Value.TargetFraction / 60.0, clock));
    private long unitsSpent;

    public GmailQuotaOptions Options => options.Value;

    /// <summary>Units taken so far (all accounts), for benchmarks.</summary>
    public long UnitsSpent => Interlocked.Read(ref unitsSpent);

    public int Cost(GmailMethod method) => QuotaCosts.Of(method, options.Value.Tier);

    /// <summary>How many messages.get to put in one batch so a batch is about a second of quota (5..50).</summary>
    public int BatchSize => Math.Clamp((int)(options.Value.UserLimit / 60.0 / Cost(GmailMethod.MessagesGet)), 5, 50);

    /// <summary>Waits until <paramref name="units"/> may be spent for <paramref name="account"/>.</summary>
    public async Task AcquireAsync(string account, int units, CancellationToken ct)
    {
        Interlocked.Add(ref unitsSpent, units);
        if (!options.Value.Enabled)
        {
            return;
        }

        var bucket = users.GetOrAdd(account, _ => new TokenBucket(options.Value.UserLimit * options.Value.TargetFraction / 60.0, clock));
        await bucket.TakeAsync(units, ct);
        await project.Value.TakeAsync(units, ct);
    }

    /// <summary>Holds one of the account's concurrent-request slots until disposed.</summary>
    public async Task<IDisposable> EnterAsync(string account, CancellationToken ct)
    {
        var gate = inFlight.GetOrAdd(account, _ => new SemaphoreSlim(options.Value.MaxConcurrentPerUser));
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private sealed class TokenBucket(double ratePerSecond, TimeProvider clock)
    {
        private readonly SemaphoreSlim gate = new(1, 1);
        private readonly double capacity = Math.Max(ratePerSecond, 1);
        private double tokens = Math.Max(ratePerSecond, 1);
        private long last = clock.GetTimestamp();

        public async Task TakeAsync(int units, CancellationToken ct)
        {
            await gate.WaitAsync(ct);
            try
            {
                while (true)
                {
                    Refill();
                    if (tokens >= 0 && (tokens >= units || units > capacity))
                    {
                        tokens -= units;
                        return;
                    }

                    var needed = tokens < 0 ? -tokens : units - tokens;
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(needed / ratePerSecond, 0.001)), clock, ct);
                }
            }
            finally
            {
                gate.Release();
            }
        }

        private void Refill()
        {
            var now = clock.GetTimestamp();
            tokens = Math.Min(capacity, tokens + clock.GetElapsedTime(last, now).TotalSeconds * ratePerSecond);
            last = now;
        }
    }
}
