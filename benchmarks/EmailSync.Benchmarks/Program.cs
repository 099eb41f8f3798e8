namespace EmailSync.Benchmarks;

/// <summary>
/// Throughput and latency harness: <c>dotnet run -c Release --project benchmarks/EmailSync.Benchmarks -- MODE [options]</c>.
/// Prints figures; asserts nothing. Modes: emulator, sync, latency.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Modes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["emulator"] = EmulatorBenchmark.RunAsync,
        ["sync"] = SyncBenchmark.RunAsync,
        ["latency"] = LatencyBenchmark.RunAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || !Modes.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine($"usage: EmailSync.Benchmarks <{string.Join('|', Modes.Keys)}> [options]");
            return 2;
        }

        return await run(args[1..]);
    }
}
