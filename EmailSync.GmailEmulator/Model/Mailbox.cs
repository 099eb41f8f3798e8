namespace EmailSync.GmailEmulator.Model;

/// <summary>
/// One Gmail account: messages, threads, labels and history. Every read or write of mutable state
/// holds <see cref="Sync"/>; readers take snapshots and work outside the lock.
/// </summary>
public sealed class Mailbox
{
    public static readonly string[] SystemLabelIds =
    [
        "INBOX", "SENT", "DRAFT", "SPAM", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "CHAT",
        "CATEGORY_PERSONAL", "CATEGORY_SOCIAL", "CATEGORY_PROMOTIONS", "CATEGORY_UPDATES", "CATEGORY_FORUMS",
    ];

    private readonly Dictionary<string, StoredMessage> byId = new(StringComparer.Ordinal);
    private readonly List<StoredMessage> ordered = [];
    private readonly Dictionary<string, List<StoredMessage>> threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LabelDef> labels = new(StringComparer.Ordinal);
    private readonly List<HistoryRecord> history = [];
    private readonly Dictionary<string, string> threadByMessageIdHeader = new(StringComparer.OrdinalIgnoreCase);
    private readonly Random gaps;

    public Mailbox(string address, string? displayName, IEnumerable<string>? aliases, int seed)
    {
        Address = address.Trim().ToLowerInvariant();
        DisplayName = displayName ?? Address;
        Aliases = (aliases ?? []).Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length > 0).Distinct().ToList();
        gaps = new Random(seed);
        HistoryId = 1000 + gaps.Next(1, 90_000);
        OldestValidHistoryId = HistoryId;
        foreach (var id in SystemLabelIds)
        {
            var hidden = id is "CHAT" || id.StartsWith("CATEGORY_", StringComparison.Ordinal);
            labels[id] = new LabelDef(id, id, true, hidden ? "hide" : null, hidden ? "labelHide" : null);
        }
    }

    public string Address { get; }

    public string DisplayName { get; }

    public IReadOnlyList<string> Aliases { get; }

    internal Lock Sync { get; } = new();

    /// <summary>The mailbox's current history id (the last one handed out).</summary>
    public long HistoryId { get; private set; }

    /// <summary>startHistoryId values below this are too old (404).</summary>
    public long OldestValidHistoryId { get; private set; }

    /// <summary>Incremented on every change; keys cached search results.</summary>
    public long Version { get; private set; }

    public bool Owns(string address)
    {
        var a = address.Trim().ToLowerInvariant();
        return a == Address || Aliases.Contains(a);
    }

    internal long NextHistoryId()
    {
        HistoryId += gaps.Next(1, 7);
        return HistoryId;
    }

    // ---- reads (callers hold Sync) ----

    internal StoredMessage? Find(string id) => byId.GetValueOrDefault(id);

    internal IReadOnlyList<StoredMessage> OrderedAscending => ordered;

    internal IReadOnlyList<StoredMessage>? Thread(string threadId) => threads.GetValueOrDefault(threadId);

    internal int ThreadCount => threads.Count;

    internal int MessageCount => byId.Count;

    internal IEnumerable<LabelDef> Labels => labels.Values;

    internal LabelDef? FindLabel(string idOrName)
    {
        if (labels.TryGetValue(idOrName, out var l) || labels.TryGetValue(idOrName.ToUpperInvariant(), out l))
        {
            return l;
        }

        var norm = NormalizeLabelName(idOrName);
        return labels.Values.FirstOrDefault(x => NormalizeLabelName(x.Name) == norm);
    }

    internal static string NormalizeLabelName(string name) =>
        name.Trim().ToLowerInvariant().Replace(' ', '-').Replace('/', '-');

    internal IReadOnlyList<HistoryRecord> History => history;

    /// <summary>The thread holding the message with this Message-ID header (angle brackets stripped), if any.</summary>
    internal string? ThreadOfMessageIdHeader(string header) => threadByMessageIdHeader.GetValueOrDefault(header);

    // ---- writes (callers hold Sync) ----

    internal LabelDef EnsureUserLabel(string name)
    {
        var existing = labels.Values.FirstOrDefault(l => !l.System && l.Name == name);
        if (existing is not null)
        {
            return existing;
        }

        var def = new LabelDef($"Label_{labels.Values.Count(l => !l.System) + 1}", name, false, "show", "labelShow");
        labels[def.Id] = def;
        return def;
    }

    /// <summary>Adds a message. With <paramref name="recordHistory"/> a messageAdded record is written.</summary>
    internal void Add(StoredMessage message, IEnumerable<string> labelIds, bool recordHistory, DateTimeOffset now)
    {
        foreach (var l in labelIds)
        {
            message.Labels.Add(l);
        }

        byId.Add(message.Id, message);
        InsertOrdered(message);
        if (message.Content.Doc.MessageIdHeader is { Length: > 0 } header)
        {
            threadByMessageIdHeader.TryAdd(header, message.ThreadId);
        }

        if (!threads.TryGetValue(message.ThreadId, out var t))
        {
            threads[message.ThreadId] = t = [];
        }

        var pos = t.FindIndex(m => Compare(m, message) > 0);
        if (pos < 0)
        {
            t.Add(message);
        }
        else
        {
            t.Insert(pos, message);
        }

        message.HistoryId = NextHistoryId();
        if (recordHistory)
        {
            history.Add(new HistoryRecord(message.HistoryId, now, HistoryKind.MessageAdded, message.Id, message.ThreadId, [], message.Labels.ToArray()));
        }
        else
        {
            OldestValidHistoryId = HistoryId;
        }

        Version++;
    }

    internal bool Delete(string id, DateTimeOffset now)
    {
        if (!byId.Remove(id, out var m))
        {
            return false;
        }

        ordered.Remove(m);
        if (threads.TryGetValue(m.ThreadId, out var t))
        {
            t.Remove(m);
            if (t.Count == 0)
            {
                threads.Remove(m.ThreadId);
            }
        }

        var hid = NextHistoryId();
        history.Add(new HistoryRecord(hid, now, HistoryKind.MessageDeleted, m.Id, m.ThreadId, [], m.Labels.ToArray()));
        Version++;
        return true;
    }

    /// <summary>Adds and removes labels; writes one record per kind of change that happened.</summary>
    internal void ModifyLabels(StoredMessage m, IEnumerable<string> add, IEnumerable<string> remove, DateTimeOffset now)
    {
        var added = add.Where(m.Labels.Add).ToArray();
        var removed = remove.Where(m.Labels.Remove).ToArray();
        if (added.Length > 0)
        {
            m.HistoryId = NextHistoryId();
            history.Add(new HistoryRecord(m.HistoryId, now, HistoryKind.LabelAdded, m.Id, m.ThreadId, added, m.Labels.ToArray()));
        }

        if (removed.Length > 0)
        {
            m.HistoryId = NextHistoryId();
            history.Add(new HistoryRecord(m.HistoryId, now, HistoryKind.LabelRemoved, m.Id, m.ThreadId, removed, m.Labels.ToArray()));
        }

        if (added.Length + removed.Length > 0)
        {
            Version++;
        }
    }

    /// <summary>Forgets history: records up to now (or older than the cutoff) are dropped.</summary>
    internal void ExpireHistory(DateTimeOffset? olderThan = null)
    {
        if (olderThan is null)
        {
            history.Clear();
            OldestValidHistoryId = NextHistoryId();
            Version++;
            return;
        }

        var cut = history.FindIndex(h => h.Time >= olderThan.Value);
        if (cut < 0)
        {
            cut = history.Count;
        }

        if (cut > 0)
        {
            OldestValidHistoryId = history[cut - 1].Id;
            history.RemoveRange(0, cut);
        }
    }

    internal static int Compare(StoredMessage a, StoredMessage b)
    {
        var c = a.InternalDate.CompareTo(b.InternalDate);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }

    private void InsertOrdered(StoredMessage m)
    {
        if (ordered.Count == 0 || Compare(ordered[^1], m) < 0)
        {
            ordered.Add(m);
            return;
        }

        int lo = 0, hi = ordered.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Compare(ordered[mid], m) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        ordered.Insert(lo, m);
    }
}
