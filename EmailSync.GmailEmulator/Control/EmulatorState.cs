using EmailSync.GmailEmulator.Corpus;
using EmailSync.GmailEmulator.Loading;
using EmailSync.GmailEmulator.Model;
using Microsoft.Extensions.Options;

namespace EmailSync.GmailEmulator.Control;

/// <summary>Creates the world and the mailboxes of the options at start, and new ones on request.</summary>
public sealed class EmulatorState
{
    private readonly GmailEmulatorOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<EmulatorState> logger;

    public EmulatorState(MailboxStore store, IOptions<GmailEmulatorOptions> options, TimeProvider time, ILogger<EmulatorState> logger)
    {
        Store = store;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        World = World.Create(this.options.Seed, this.options.OrganizationDomain, this.options.CustomerCount);
        var now = time.GetUtcNow();
        CorpusEnd = this.options.CorpusEnd ?? new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        SeedFromOptions();
    }

    private readonly List<Mailbox> seeded = [];

    public MailboxStore Store { get; }

    /// <summary>The mailboxes created from the options at start (not those added later through the control API).</summary>
    public IReadOnlyList<Mailbox> SeededMailboxes => seeded;

    public World World { get; }

    public DateTimeOffset CorpusEnd { get; }

    public int Seed => options.Seed;

    /// <summary>The default demo mailboxes when none are configured.</summary>
    public static List<MailboxSeed> DefaultMailboxes(string domain) =>
    [
        new() { Address = $"alex.morgan@{domain}", DisplayName = "Alex Morgan", Aliases = [$"success@{domain}", $"collections@{domain}"] },
        new() { Address = $"bianca.rocha@{domain}", DisplayName = "Bianca Rocha", Aliases = [] },
    ];

    private void SeedFromOptions()
    {
        var seeds = options.Mailboxes.Count > 0 ? options.Mailboxes : DefaultMailboxes(options.OrganizationDomain);
        var started = time.GetTimestamp();
        var total = 0;
        foreach (var seed in seeds)
        {
            var count = seed.MessageCount ?? options.MessagesPerMailbox;
            seeded.Add(CreateMailbox(seed.Address, seed.DisplayName, seed.Aliases, count));
            total += count;
        }

        if (options.EmlFolder is not null || options.MboxFile is not null)
        {
            var address = options.LoadIntoMailbox ?? $"imported@{options.OrganizationDomain}";
            var box = Store.Find(address) ?? CreateMailbox(address, null, [], 0);
            var loaded = 0;
            if (options.EmlFolder is not null)
            {
                loaded += MailLoader.LoadEmlFolder(Store, box, options.EmlFolder);
            }

            if (options.MboxFile is not null)
            {
                loaded += MailLoader.LoadMbox(Store, box, options.MboxFile);
            }

            logger.LogInformation("Loaded {Count} messages into {Mailbox}", loaded, box.Address);
        }

        logger.LogInformation("Gmail emulator: {Mailboxes} mailboxes, {Messages} generated messages in {Elapsed} ms (seed {Seed})",
            seeds.Count, total, (long)time.GetElapsedTime(started).TotalMilliseconds, options.Seed);
    }

    public Mailbox CreateMailbox(string address, string? displayName, IEnumerable<string>? aliases, int messageCount)
    {
        var box = new Mailbox(address, displayName, aliases, CorpusGenerator.HashCode32(options.Seed, address));
        Store.Add(box);
        CorpusGenerator.Fill(box, World, options.Seed, messageCount, CorpusEnd, options.BackfillSpanDays, Store.Cache);
        return box;
    }
}
