using EmailSync.GmailEmulator.Model;
using MimeKit;
using MimeKit.Utils;

namespace EmailSync.GmailEmulator.Loading;

/// <summary>Loads a mailbox from a folder of .eml files or an mbox file, keeping each message's bytes exactly.</summary>
public static class MailLoader
{
    /// <summary>Every *.eml under the folder, in file-name order.</summary>
    public static int LoadEmlFolder(MailboxStore store, Mailbox box, string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        foreach (var f in files)
        {
            Import(store, box, File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f));
        }

        return files.Length;
    }

    /// <summary>
    /// Splits an mbox at "From " lines that start the file or follow a newline. A message's bytes are those
    /// between its From_ line and the newline before the next one; "&gt;From " quoting is left as is.
    /// </summary>
    public static int LoadMbox(MailboxStore store, Mailbox box, string path)
    {
        var messages = SplitMbox(File.ReadAllBytes(path));
        foreach (var m in messages)
        {
            Import(store, box, m, File.GetLastWriteTimeUtc(path));
        }

        return messages.Count;
    }

    public static List<byte[]> SplitMbox(byte[] data)
    {
        var starts = new List<int>();
        for (var i = 0; i + 5 <= data.Length; i++)
        {
            if ((i == 0 || data[i - 1] == '\n') && data[i] == 'F' && data[i + 1] == 'r' && data[i + 2] == 'o' && data[i + 3] == 'm' && data[i + 4] == ' ')
            {
                starts.Add(i);
            }
        }

        var result = new List<byte[]>();
        for (var k = 0; k < starts.Count; k++)
        {
            var lineEnd = Array.IndexOf(data, (byte)'\n', starts[k]);
            if (lineEnd < 0)
            {
                break;
            }

            var begin = lineEnd + 1;
            var end = k + 1 < starts.Count ? starts[k + 1] : data.Length;
            // drop the separator newline mbox writers put after every message (before the next From_ line)
            if (end > begin && data[end - 1] == '\n' && (k + 1 < starts.Count || end - 1 > begin && data[end - 2] is (byte)'\n' or (byte)'\r'))
            {
                end--;
                if (end > begin && data[end - 1] == '\r')
                {
                    end--;
                }
            }

            if (end > begin)
            {
                result.Add(data[begin..end]);
            }
        }

        return result;
    }

    private static void Import(MailboxStore store, Mailbox box, byte[] raw, DateTime fallbackDate)
    {
        DateTimeOffset date = fallbackDate;
        var labels = new List<string>();
        try
        {
            using var ms = new MemoryStream(raw, writable: false);
            var headers = HeaderList.Load(ms);
            if (headers[HeaderId.Date] is { } d && DateUtils.TryParse(d, out var parsed))
            {
                date = parsed;
            }

            var from = headers[HeaderId.From];
            var fromOwner = from is not null && InternetAddressList.TryParse(from, out var list) && list.Mailboxes.Any(m => box.Owns(m.Address));
            if (headers["X-Gmail-Labels"] is { } gmailLabels)
            {
                labels.AddRange(MapTakeoutLabels(gmailLabels));
            }
            else
            {
                labels.Add(fromOwner ? "SENT" : "INBOX");
            }
        }
        catch (FormatException)
        {
            labels.Add("INBOX");
        }

        store.Import(box, raw, labels, date);
    }

    /// <summary>Google Takeout's X-Gmail-Labels ("Inbox,Sent,Opened,Category Promotions,My label").</summary>
    public static IEnumerable<string> MapTakeoutLabels(string header)
    {
        var unread = false;
        var opened = false;
        foreach (var raw in header.Split(','))
        {
            var l = raw.Trim();
            switch (l.ToLowerInvariant())
            {
                case "inbox": yield return "INBOX"; break;
                case "sent": yield return "SENT"; break;
                case "spam": yield return "SPAM"; break;
                case "trash": yield return "TRASH"; break;
                case "starred": yield return "STARRED"; break;
                case "important": yield return "IMPORTANT"; break;
                case "drafts": yield return "DRAFT"; break;
                case "unread": unread = true; break;
                case "opened": opened = true; break;
                case "archived": break;
                case var c when c.StartsWith("category ", StringComparison.Ordinal): yield return "CATEGORY_" + c[9..].ToUpperInvariant(); break;
                case "": break;
                default: yield return "user:" + l; break;
            }
        }

        if (unread && !opened)
        {
            yield return "UNREAD";
        }
    }
}
