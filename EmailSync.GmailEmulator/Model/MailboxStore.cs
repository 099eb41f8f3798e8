using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EmailSync.GmailEmulator.Model;

/// <summary>All mailboxes of the emulator, and the operations that change them (deliver, send, label, delete).</summary>
public sealed partial class MailboxStore(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Mailbox> byAddress = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Raised after a mailbox changed (outside its lock): the mailbox and the labels of the touched message.</summary>
    public event Action<Mailbox, IReadOnlyCollection<string>>? Changed;

    public RenderCache Cache { get; } = new(256L * 1024 * 1024);

    public IReadOnlyCollection<Mailbox> All => byAddress.Values.Distinct().OrderBy(m => m.Address, StringComparer.Ordinal).ToArray();

    public Mailbox? Find(string address) => byAddress.GetValueOrDefault(address.Trim());

    public Mailbox Add(Mailbox mailbox)
    {
        if (!byAddress.TryAdd(mailbox.Address, mailbox))
        {
            throw new InvalidOperationException($"Mailbox {mailbox.Address} already exists.");
        }

        foreach (var alias in mailbox.Aliases)
        {
            byAddress.TryAdd(alias, mailbox);
        }

        return mailbox;
    }

    /// <summary>A new message id: 16 hex digits that sort with time, like Gmail's.</summary>
    internal static string NewId(Mailbox box, long internalDate, ref int salt)
    {
        while (true)
        {
            var value = ((ulong)internalDate << 20) | (uint)(salt++ & 0xFFFFF);
            var id = value.ToString("x16", CultureInfo.InvariantCulture);
            if (box.Find(id) is null)
            {
                return id;
            }
        }
    }

    private int salt;

    /// <summary>
    /// Stores a message that arrived (SMTP-like): threads it with an earlier message it references when
    /// the subjects agree, applies the labels, writes history and notifies watchers.
    /// </summary>
    public StoredMessage Deliver(Mailbox box, byte[] raw, IEnumerable<string>? labelIds = null, string? threadId = null, DateTimeOffset? internalDate = null)
    {
        var content = new RawContent(raw);
        var doc = content.Doc;
        var date = (internalDate ?? time.GetUtcNow()).ToUnixTimeMilliseconds();
        StoredMessage message;
        string[] labels;
        lock (box.Sync)
        {
            var s = Interlocked.Increment(ref salt);
            var id = NewId(box, date, ref s);
            var thread = threadId is not null && box.Thread(threadId) is not null ? threadId : FindThread(box, doc, requireThreadId: null) ?? id;
            message = new StoredMessage(id, thread, date, content) { Category = "delivered" };
            labels = (labelIds ?? ["INBOX", "UNREAD"]).ToArray();
            box.Add(message, labels, recordHistory: true, time.GetUtcNow());
        }

        Changed?.Invoke(box, labels);
        return message;
    }

    /// <summary>Adds a message as part of the mailbox's initial state (no history record, no push).</summary>
    public StoredMessage Import(Mailbox box, byte[] raw, IEnumerable<string> labelIds, DateTimeOffset internalDate)
    {
        var content = new RawContent(raw);
        var doc = content.Doc;
        var date = internalDate.ToUnixTimeMilliseconds();
        lock (box.Sync)
        {
            var s = Interlocked.Increment(ref salt);
            var id = NewId(box, date, ref s);
            var thread = FindThread(box, doc, requireThreadId: null) ?? id;
            var message = new StoredMessage(id, thread, date, content) { Category = "imported" };
            var labels = labelIds.Select(l => l.StartsWith("user:", StringComparison.Ordinal) ? box.EnsureUserLabel(l[5..]).Id : l).ToArray();
            box.Add(message, labels, recordHistory: false, time.GetUtcNow());
            return message;
        }
    }

    /// <summary>
    /// users.messages.send: applies SENT; keeps the message in <paramref name="threadId"/> only when its
    /// In-Reply-To/References point into that thread and the subject agrees. Copies go to recipients that
    /// are mailboxes of this emulator.
    /// </summary>
    public StoredMessage Send(Mailbox box, byte[] raw, string? threadId)
    {
        var content = new RawContent(raw);
        var doc = content.Doc;
        var date = time.GetUtcNow().ToUnixTimeMilliseconds();
        StoredMessage message;
        string[] labels;
        lock (box.Sync)
        {
            var s = Interlocked.Increment(ref salt);
            var id = NewId(box, date, ref s);
            var thread = threadId is not null ? FindThread(box, doc, threadId) : null;
            message = new StoredMessage(id, thread ?? id, date, content) { Category = "sent" };
            var toSelf = doc.To.Concat(doc.Cc).Concat(doc.Bcc).Any(a => box.Owns(a.Address));
            labels = toSelf ? ["SENT", "INBOX", "UNREAD"] : ["SENT"];
            box.Add(message, labels, recordHistory: true, time.GetUtcNow());
        }

        Changed?.Invoke(box, labels);
        foreach (var other in doc.To.Concat(doc.Cc).Concat(doc.Bcc).Select(a => Find(a.Address)).OfType<Mailbox>().Distinct())
        {
            if (other != box)
            {
                Deliver(other, raw);
            }
        }

        return message;
    }

    public bool Delete(Mailbox box, string id)
    {
        string[] labels;
        lock (box.Sync)
        {
            var m = box.Find(id);
            if (m is null)
            {
                return false;
            }

            labels = m.Labels.ToArray();
            box.Delete(id, time.GetUtcNow());
        }

        Changed?.Invoke(box, labels);
        return true;
    }

    public bool ModifyLabels(Mailbox box, string id, IEnumerable<string> add, IEnumerable<string> remove)
    {
        string[] touched;
        lock (box.Sync)
        {
            var m = box.Find(id);
            if (m is null)
            {
                return false;
            }

            var addList = add.Select(l => box.FindLabel(l)?.Id ?? box.EnsureUserLabel(l).Id).ToArray();
            var removeList = remove.Select(l => box.FindLabel(l)?.Id ?? l).ToArray();
            box.ModifyLabels(m, addList, removeList, time.GetUtcNow());
            touched = addList.Concat(removeList).Concat(m.Labels).Distinct().ToArray();
        }

        Changed?.Invoke(box, touched);
        return true;
    }

    /// <summary>
    /// The thread of an earlier message that this one replies to (by In-Reply-To/References) with the same
    /// normalised subject; when <paramref name="requireThreadId"/> is set, only that thread qualifies.
    /// </summary>
    private static string? FindThread(Mailbox box, SearchDoc doc, string? requireThreadId)
    {
        var refs = doc.References.Concat(doc.InReplyTo is null ? [] : [doc.InReplyTo]).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var r in refs)
        {
            var thread = box.ThreadOfMessageIdHeader(r);
            if (thread is null || (requireThreadId is not null && thread != requireThreadId))
            {
                continue;
            }

            var msgs = box.Thread(thread);
            var first = msgs is { Count: > 0 } ? msgs[0] : null;
            if (first is not null && NormalizeSubject(first.Content.Doc.Subject) == NormalizeSubject(doc.Subject))
            {
                return thread;
            }
        }

        return null;
    }

    /// <summary>Subject without reply/forward prefixes (Re:, Fwd:, RES:, ENC:, RV:, AW: ...), folded.</summary>
    public static string NormalizeSubject(string subject)
    {
        var s = subject.Trim();
        while (true)
        {
            var m = SubjectPrefix().Match(s);
            if (!m.Success)
            {
                break;
            }

            s = s[m.Length..].TrimStart();
        }

        return TextFolding.Tokens(s).Trim();
    }

    [GeneratedRegex(@"^(re|fwd?|res|enc|rv|aw|wg|sv|tr)\s*(\[\d+\])?\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex SubjectPrefix();
}
