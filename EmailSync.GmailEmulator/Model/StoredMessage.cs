namespace EmailSync.GmailEmulator.Model;

/// <summary>The bytes of a message and what search sees of it.</summary>
public abstract class MessageContent
{
    public abstract SearchDoc Doc { get; }

    /// <summary>The RFC 2822 bytes. Never modify the returned array.</summary>
    public abstract byte[] GetRaw();

    public abstract int Size { get; }
}

/// <summary>A message kept as its exact bytes (delivered, sent or loaded from .eml/mbox).</summary>
public sealed class RawContent(byte[] raw) : MessageContent
{
    private SearchDoc? doc;

    public override SearchDoc Doc => doc ??= Mime.MessageIndexer.Index(raw);

    public override byte[] GetRaw() => raw;

    public override int Size => raw.Length;
}

/// <summary>A message in a mailbox. Mutable state (labels, history id) is guarded by the mailbox lock.</summary>
public sealed class StoredMessage(string id, string threadId, long internalDate, MessageContent content)
{
    public string Id { get; } = id;

    public string ThreadId { get; internal set; } = threadId;

    /// <summary>Epoch milliseconds.</summary>
    public long InternalDate { get; } = internalDate;

    public MessageContent Content { get; } = content;

    internal HashSet<string> Labels { get; } = new(StringComparer.Ordinal);

    public long HistoryId { get; internal set; }

    /// <summary>Free-form tag of the generator ("customer", "newsletter", ...), for ground truth.</summary>
    public string? Category { get; init; }

}

/// <summary>One change of a mailbox.</summary>
public enum HistoryKind
{
    MessageAdded,
    MessageDeleted,
    LabelAdded,
    LabelRemoved,
}

public sealed record HistoryRecord(
    long Id,
    DateTimeOffset Time,
    HistoryKind Kind,
    string MessageId,
    string ThreadId,
    IReadOnlyList<string> LabelIds,
    IReadOnlyList<string> MessageLabels);

public sealed record LabelDef(string Id, string Name, bool System, string? MessageListVisibility, string? LabelListVisibility);

public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data, bool pad)
    {
        var s = Convert.ToBase64String(data).Replace('+', '-').Replace('/', '_');
        return pad ? s : s.TrimEnd('=');
    }

    /// <summary>Decodes base64url or base64, padded or not.</summary>
    public static byte[] Decode(string text)
    {
        var s = text.Trim().Replace('-', '+').Replace('_', '/').TrimEnd('=');
        s = s.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        switch (s.Length % 4)
        {
            case 2: s += "=="; break;
            case 3: s += "="; break;
            case 1: throw new FormatException("Invalid base64url length.");
        }

        return Convert.FromBase64String(s);
    }
}

/// <summary>
/// Bounded FIFO cache of rendered values (padded base64url of raw bytes, generated MIME bytes), so a
/// hot format=raw loop does not re-render, while a 100,000-message backfill does not keep everything.
/// </summary>
public sealed class RenderCache(long budgetChars)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(object Owner, int Kind), object> entries = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<((object Owner, int Kind) Key, long Size)> order = new();
    private long used;

    public T GetOrAdd<T>(object owner, int kind, Func<T> factory, Func<T, long> size)
        where T : class
    {
        if (entries.TryGetValue((owner, kind), out var hit))
        {
            return (T)hit;
        }

        var value = factory();
        var cost = size(value);
        if (entries.TryAdd((owner, kind), value))
        {
            order.Enqueue(((owner, kind), cost));
            var total = Interlocked.Add(ref used, cost);
            while (total > budgetChars && order.TryDequeue(out var old))
            {
                entries.TryRemove(old.Key, out _);
                total = Interlocked.Add(ref used, -old.Size);
            }
        }

        return value;
    }

    public void Remove(object owner)
    {
        entries.TryRemove((owner, 0), out _);
        entries.TryRemove((owner, 1), out _);
    }
}
