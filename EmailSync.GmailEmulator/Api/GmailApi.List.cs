using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Model;
using EmailSync.GmailEmulator.Search;

namespace EmailSync.GmailEmulator.Api;

public sealed partial class GmailApi
{
    // ---------------- search ----------------

    private List<StoredMessage> Search(ApiRequest req, Caller c)
    {
        var q = req.Q("q");
        if (!string.IsNullOrWhiteSpace(q) && c.MetadataOnly)
        {
            throw new ApiException(GoogleErrors.Error(403, "Metadata scope does not support 'q' parameter", "forbidden", "PERMISSION_DENIED"));
        }

        var labelIds = req.Query.TryGetValue("labelIds", out var l) ? l.SelectMany(x => (x ?? "").Split(',')).Where(x => x.Length > 0).ToArray() : [];
        var includeSpamTrash = string.Equals(req.Q("includeSpamTrash"), "true", StringComparison.OrdinalIgnoreCase);
        var now = time.GetUtcNow();
        var query = GmailQuery.Parse(q, now);
        var box = c.Mailbox;
        var key = $"{box.Address}\n{q}\n{string.Join(',', labelIds)}\n{includeSpamTrash}\n{now.ToUnixTimeSeconds() / 10}";
        lock (box.Sync)
        {
            if (searchCache.TryGetValue(key, out var cached) && cached.Version == box.Version)
            {
                return cached.Messages;
            }

            var resolved = labelIds.Select(id => box.FindLabel(id)?.Id ?? throw new ApiException(GoogleErrors.BadRequest($"Invalid label: {id}"))).ToArray();
            var excludeSpamTrash = !includeSpamTrash && !query.MentionsSpamOrTrash && !resolved.Any(x => x is "SPAM" or "TRASH");
            var list = new List<StoredMessage>();
            var ordered = box.OrderedAscending;
            for (var i = ordered.Count - 1; i >= 0; i--)
            {
                var m = ordered[i];
                if (excludeSpamTrash && (m.Labels.Contains("SPAM") || m.Labels.Contains("TRASH")))
                {
                    continue;
                }

                var ok = true;
                foreach (var r in resolved)
                {
                    if (!m.Labels.Contains(r))
                    {
                        ok = false;
                        break;
                    }
                }

                if (ok && query.Matches(new QueryTarget(m, m.Labels, box)))
                {
                    list.Add(m);
                }
            }

            if (searchCache.Count > 64)
            {
                searchCache.Clear();
            }

            searchCache[key] = new SearchResult(box.Version, list);
            return list;
        }
    }

    private static int MaxResults(ApiRequest req, int def = 100)
    {
        var text = req.Q("maxResults");
        if (text is null)
        {
            return def;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            throw new ApiException(GoogleErrors.BadRequest($"Invalid value '{text}' for maxResults", "invalidParameter"));
        }

        return n == 0 ? def : Math.Min(n, 500);
    }

    private static int PageOffset(ApiRequest req, string kind)
    {
        var token = req.Q("pageToken");
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.Decode(token));
            var parts = text.Split(':');
            if (parts.Length == 2 && parts[0] == kind && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
            // fall through
        }

        throw new ApiException(GoogleErrors.BadRequest("Invalid pageToken", "invalidParameter"));
    }

    private static string PageToken(string kind, int offset) =>
        Base64Url.Encode(Encoding.UTF8.GetBytes($"{kind}:{offset.ToString(CultureInfo.InvariantCulture)}"), pad: false);

    /// <summary>
    /// Message pages continue after the last returned message's (internalDate, id), so mail that arrives or
    /// disappears between pages never makes a later page skip a message.
    /// </summary>
    private ApiResponse ListMessages(ApiRequest req, Caller c)
    {
        var max = MaxResults(req);
        var all = Search(req, c);
        var start = 0;
        var token = req.Q("pageToken");
        if (!string.IsNullOrEmpty(token))
        {
            var (date, id) = ParseMessageCursor(token);
            int lo = 0, hi = all.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                var m = all[mid];
                var newer = m.InternalDate > date || (m.InternalDate == date && string.CompareOrdinal(m.Id, id) >= 0);
                if (newer)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            start = lo;
        }

        var count = Math.Min(max, all.Count - start);
        var body = new JsonObject();
        if (count > 0)
        {
            var arr = new JsonArray();
            for (var i = start; i < start + count; i++)
            {
                arr.Add(new JsonObject { ["id"] = all[i].Id, ["threadId"] = all[i].ThreadId });
            }

            body["messages"] = arr;
        }

        if (start + count < all.Count)
        {
            var last = all[start + count - 1];
            body["nextPageToken"] = Base64Url.Encode(Encoding.UTF8.GetBytes($"m:{Str(last.InternalDate)}:{last.Id}"), pad: false);
        }

        body["resultSizeEstimate"] = all.Count;
        return ApiResponse.Json(body);
    }

    private static (long Date, string Id) ParseMessageCursor(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.Decode(token)).Split(':');
            if (parts.Length == 3 && parts[0] == "m" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var date))
            {
                return (date, parts[2]);
            }
        }
        catch (FormatException)
        {
            // fall through
        }

        throw new ApiException(GoogleErrors.BadRequest("Invalid pageToken", "invalidParameter"));
    }

    private ApiResponse ListThreads(ApiRequest req, Caller c)
    {
        var max = MaxResults(req);
        var offset = PageOffset(req, "t");
        var all = Search(req, c);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var threads = new List<StoredMessage>();
        foreach (var m in all)
        {
            if (seen.Add(m.ThreadId))
            {
                threads.Add(m);
            }
        }

        var page = threads.Skip(offset).Take(max).ToArray();
        var body = new JsonObject();
        if (page.Length > 0)
        {
            var arr = new JsonArray();
            lock (c.Mailbox.Sync)
            {
                foreach (var m in page)
                {
                    var msgs = c.Mailbox.Thread(m.ThreadId);
                    var last = msgs is { Count: > 0 } ? msgs[^1] : m;
                    arr.Add(new JsonObject
                    {
                        ["id"] = m.ThreadId,
                        ["snippet"] = last.Content.Doc.Snippet,
                        ["historyId"] = Str(msgs?.Max(x => x.HistoryId) ?? m.HistoryId),
                    });
                }
            }

            body["threads"] = arr;
        }

        if (offset + page.Length < threads.Count)
        {
            body["nextPageToken"] = PageToken("t", offset + page.Length);
        }

        body["resultSizeEstimate"] = threads.Count;
        return ApiResponse.Json(body);
    }
}
