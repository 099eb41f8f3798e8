using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace EmailSync.GmailEmulator.Quota;

/// <summary>Why a call was refused by the quota rules.</summary>
public sealed record QuotaRejection(int Status, string Reason, string Domain, string Message, int RetryAfterSeconds, string Scope);

/// <summary>The quota settings in force (tier plus effective limits).</summary>
public sealed record QuotaSettings(QuotaTier Tier, int PerUserPerMinute, int PerProjectPerMinute, long PerProjectPerDay, int ConcurrentPerUser, int UserLimitStatus);

/// <summary>Units spent and calls refused, per method, user and project.</summary>
public sealed record QuotaCounters(
    QuotaSettings Settings,
    IReadOnlyDictionary<string, long> UnitsByMethod,
    IReadOnlyDictionary<string, long> CallsByMethod,
    IReadOnlyDictionary<string, long> UnitsByUser,
    IReadOnlyDictionary<string, long> UnitsByProject,
    IReadOnlyDictionary<string, int> UserUnitsLastMinute,
    long Rejected,
    IReadOnlyDictionary<string, long> RejectedByReason);

/// <summary>
/// Gmail's per-method quota units (legacy and 2026 tiers, reference §3), enforced per user and per
/// project over a sliding minute, plus a per-user concurrency cap. Tier Off only counts.
/// </summary>
public sealed class QuotaGovernor
{
    /// <summary>Units per call: (legacy, 2026).</summary>
    public static readonly IReadOnlyDictionary<string, (int Legacy, int Tier2026)> Units = new Dictionary<string, (int, int)>
    {
        ["users.getProfile"] = (1, 1),
        ["users.labels.list"] = (1, 1),
        ["users.history.list"] = (2, 2),
        ["users.messages.list"] = (5, 5),
        ["users.messages.get"] = (5, 20),
        ["users.messages.attachments.get"] = (5, 20),
        ["users.threads.list"] = (10, 10),
        ["users.threads.get"] = (10, 40),
        ["users.messages.send"] = (100, 100),
        ["users.watch"] = (100, 100),
        ["users.stop"] = (50, 50),
    };

    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, Window> userWindows = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Window> projectWindows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DayCounter> projectDays = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox> inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, long> unitsByMethod = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> callsByMethod = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> unitsByUser = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, long> unitsByProject = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> rejectedByReason = new(StringComparer.Ordinal);
    private long rejected;
    private volatile QuotaSettings settings;

    public QuotaGovernor(IOptions<GmailEmulatorOptions> options, TimeProvider time)
    {
        this.time = time;
        settings = Resolve(options.Value.QuotaTier, options.Value.QuotaLimits);
    }

    public QuotaSettings Settings => settings;

    /// <summary>Sets the tier; null limits keep the tier's published values.</summary>
    public QuotaSettings Configure(QuotaTier tier, QuotaLimits? limits, int? userLimitStatus = null)
    {
        var s = Resolve(tier, limits ?? new QuotaLimits());
        if (userLimitStatus is 403 or 429)
        {
            s = s with { UserLimitStatus = userLimitStatus.Value };
        }

        settings = s;
        userWindows.Clear();
        projectWindows.Clear();
        projectDays.Clear();
        return s;
    }

    private static QuotaSettings Resolve(QuotaTier tier, QuotaLimits limits) => tier switch
    {
        QuotaTier.Legacy => new QuotaSettings(tier, limits.PerUserPerMinute ?? 15_000, limits.PerProjectPerMinute ?? 1_200_000, long.MaxValue, limits.ConcurrentPerUser ?? 10, 429),
        QuotaTier.Tier2026 => new QuotaSettings(tier, limits.PerUserPerMinute ?? 6_000, limits.PerProjectPerMinute ?? 1_200_000, 80_000_000, limits.ConcurrentPerUser ?? 10, 429),
        _ => new QuotaSettings(QuotaTier.Off, int.MaxValue, int.MaxValue, long.MaxValue, int.MaxValue, 429),
    };

    public static int Cost(QuotaTier tier, string method) =>
        Units.TryGetValue(method, out var u) ? (tier == QuotaTier.Tier2026 ? u.Tier2026 : u.Legacy) : 1;

    /// <summary>
    /// Charges one call. Returns a lease to dispose when the call ends (the concurrency slot), or null
    /// with <paramref name="rejection"/> set when a limit is exceeded.
    /// </summary>
    public IDisposable? TryAcquire(string user, string project, string method, out QuotaRejection? rejection)
    {
        rejection = null;
        var s = settings;
        var cost = Cost(s.Tier == QuotaTier.Off ? QuotaTier.Legacy : s.Tier, method);
        if (s.Tier == QuotaTier.Off)
        {
            Count(user, project, method, cost);
            return NoLease.Instance;
        }

        var slot = inFlight.GetOrAdd(user, _ => new StrongBox());
        if (Interlocked.Increment(ref slot.Value) > s.ConcurrentPerUser)
        {
            Interlocked.Decrement(ref slot.Value);
            rejection = Reject(new QuotaRejection(429, "rateLimitExceeded", "usageLimits", "Too many concurrent requests for user.", 1, "concurrency"));
            return null;
        }

        var now = time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var userWindow = userWindows.GetOrAdd(user, _ => new Window());
        var projectWindow = projectWindows.GetOrAdd(project, _ => new Window());
        var day = projectDays.GetOrAdd(project, _ => new DayCounter());
        lock (userWindow)
        {
            lock (projectWindow)
            {
                var userWait = userWindow.WaitFor(second, cost, s.PerUserPerMinute);
                if (userWait > 0)
                {
                    Interlocked.Decrement(ref slot.Value);
                    var retryAt = now.AddSeconds(userWait).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                    rejection = Reject(s.UserLimitStatus == 403
                        ? new QuotaRejection(403, "userRateLimitExceeded", "usageLimits", $"User-rate limit exceeded.  Retry after {retryAt}", userWait, "user")
                        : new QuotaRejection(429, "rateLimitExceeded", "usageLimits", $"User-rate limit exceeded.  Retry after {retryAt}", userWait, "user"));
                    return null;
                }

                var projectWait = projectWindow.WaitFor(second, cost, s.PerProjectPerMinute);
                if (projectWait > 0)
                {
                    Interlocked.Decrement(ref slot.Value);
                    rejection = Reject(new QuotaRejection(403, "rateLimitExceeded", "usageLimits",
                        $"Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'gmail.googleapis.com' for consumer '{project}'.", projectWait, "project"));
                    return null;
                }

                var dayNumber = second / 86400;
                if (!day.TryAdd(dayNumber, cost, s.PerProjectPerDay))
                {
                    Interlocked.Decrement(ref slot.Value);
                    rejection = Reject(new QuotaRejection(403, "dailyLimitExceeded", "usageLimits", "Daily Limit Exceeded. The quota will be reset at midnight Pacific Time (PT).", (int)((dayNumber + 1) * 86400 - second), "day"));
                    return null;
                }

                userWindow.Add(second, cost);
                projectWindow.Add(second, cost);
            }
        }

        Count(user, project, method, cost);
        return new Lease(slot);
    }

    private QuotaRejection Reject(QuotaRejection r)
    {
        Interlocked.Increment(ref rejected);
        rejectedByReason.AddOrUpdate(r.Scope, 1, (_, v) => v + 1);
        return r;
    }

    private void Count(string user, string project, string method, int cost)
    {
        unitsByMethod.AddOrUpdate(method, cost, (_, v) => v + cost);
        callsByMethod.AddOrUpdate(method, 1, (_, v) => v + 1);
        unitsByUser.AddOrUpdate(user, cost, (_, v) => v + cost);
        unitsByProject.AddOrUpdate(project, cost, (_, v) => v + cost);
    }

    public QuotaCounters Snapshot()
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var lastMinute = userWindows.ToDictionary(kv => kv.Key, kv =>
        {
            lock (kv.Value)
            {
                return kv.Value.Sum(second);
            }
        });
        return new QuotaCounters(
            settings,
            new SortedDictionary<string, long>(unitsByMethod),
            new SortedDictionary<string, long>(callsByMethod),
            new SortedDictionary<string, long>(unitsByUser),
            new SortedDictionary<string, long>(unitsByProject),
            lastMinute,
            Interlocked.Read(ref rejected),
            new SortedDictionary<string, long>(rejectedByReason));
    }

    public void ResetCounters()
    {
        unitsByMethod.Clear();
        callsByMethod.Clear();
        unitsByUser.Clear();
        unitsByProject.Clear();
        rejectedByReason.Clear();
        Interlocked.Exchange(ref rejected, 0);
        userWindows.Clear();
        projectWindows.Clear();
        projectDays.Clear();
    }

    /// <summary>Units per second over the last 60 seconds (a sliding minute).</summary>
    private sealed class Window
    {
        private readonly long[] seconds = new long[60];
        private readonly int[] units = new int[60];

        public int Sum(long now)
        {
            var total = 0;
            for (var i = 0; i < 60; i++)
            {
                if (now - seconds[i] < 60)
                {
                    total += units[i];
                }
            }

            return total;
        }

        /// <summary>0 when <paramref name="cost"/> fits under the limit now, else seconds until it will.</summary>
        public int WaitFor(long now, int cost, int limit)
        {
            var used = Sum(now);
            if (used + cost <= limit)
            {
                return 0;
            }

            var freed = 0;
            foreach (var i in Enumerable.Range(0, 60).Where(i => now - seconds[i] < 60).OrderBy(i => seconds[i]))
            {
                freed += units[i];
                if (used - freed + cost <= limit)
                {
                    return (int)Math.Max(1, seconds[i] + 60 - now);
                }
            }

            return 60;
        }

        public void Add(long now, int cost)
        {
            var i = (int)(now % 60);
            if (seconds[i] != now)
            {
                seconds[i] = now;
                units[i] = 0;
            }

            units[i] += cost;
        }
    }

    private sealed class DayCounter
    {
        private long day = -1;
        private long used;

        public bool TryAdd(long today, int cost, long limit)
        {
            if (today != day)
            {
                day = today;
                used = 0;
            }

            if (used + cost > limit)
            {
                return false;
            }

            used += cost;
            return true;
        }
    }

    private sealed class StrongBox
    {
        public int Value;
    }

    private sealed class Lease(StrongBox slot) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Decrement(ref slot.Value);
            }
        }
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
