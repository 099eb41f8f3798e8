namespace EmailSync.GmailEmulator.Quota;

/// <summary>
/// A fault for the next <see cref="Count"/> calls of a Gmail method ("users.messages.get", "messages.get"
/// or "*"), optionally only for one mailbox: an error status, added latency, or a dropped connection.
/// </summary>
public sealed record FaultSpec
{
    public string Method { get; init; } = "*";
    public int Count { get; init; } = 1;
    public int? Status { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public int? LatencyMs { get; init; }
    public bool Drop { get; init; }
    public string? Mailbox { get; init; }
    public int? RetryAfterSeconds { get; init; }
}

public sealed class FaultInjector
{
    private readonly List<(FaultSpec Spec, int[] Remaining)> faults = [];
    private readonly Lock sync = new();
    private volatile int active;

    public static string NormalizeMethod(string method)
    {
        var m = method.Trim();
        return m is "*" || m.StartsWith("users.", StringComparison.Ordinal) ? m
            : m is "getProfile" or "watch" or "stop" ? "users." + m
            : "users." + m;
    }

    public void Add(FaultSpec spec)
    {
        lock (sync)
        {
            faults.Add((spec with { Method = NormalizeMethod(spec.Method) }, [Math.Max(1, spec.Count)]));
            active = faults.Count;
        }
    }

    public void Clear()
    {
        lock (sync)
        {
            faults.Clear();
            active = 0;
        }
    }

    public IReadOnlyList<FaultSpec> Pending()
    {
        lock (sync)
        {
            return faults.Select(f => f.Spec with { Count = f.Remaining[0] }).ToArray();
        }
    }

    /// <summary>Consumes one use of the first fault matching the call, if any.</summary>
    public FaultSpec? Take(string method, string? mailbox)
    {
        if (active == 0)
        {
            return null;
        }

        lock (sync)
        {
            for (var i = 0; i < faults.Count; i++)
            {
                var (spec, remaining) = faults[i];
                if ((spec.Method == "*" || spec.Method == method) &&
                    (spec.Mailbox is null || string.Equals(spec.Mailbox, mailbox, StringComparison.OrdinalIgnoreCase)))
                {
                    if (--remaining[0] <= 0)
                    {
                        faults.RemoveAt(i);
                        active = faults.Count;
                    }

                    return spec;
                }
            }
        }

        return null;
    }
}
