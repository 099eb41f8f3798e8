using System.Globalization;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Model;

namespace EmailSync.GmailEmulator.Api;

public sealed partial class GmailApi
{
    // ---------------- history ----------------

    private ApiResponse History(ApiRequest req, Caller c)
    {
        var startText = req.Q("startHistoryId");
        if (string.IsNullOrEmpty(startText))
        {
            return GoogleErrors.Error(400, "Missing startHistoryId", "invalidArgument", location: "startHistoryId");
        }

        if (!ulong.TryParse(startText, NumberStyles.None, CultureInfo.InvariantCulture, out var startU))
        {
            return GoogleErrors.Error(400, $"Invalid startHistoryId: {startText}", "invalidArgument", location: "startHistoryId");
        }

        var types = req.Query.TryGetValue("historyTypes", out var t) ? t.SelectMany(x => (x ?? "").Split(',')).Where(x => x.Length > 0).ToArray() : [];
        var badType = types.FirstOrDefault(x => !HistoryTypes.Contains(x, StringComparer.OrdinalIgnoreCase));
        if (badType is not null)
        {
            return GoogleErrors.BadRequest($"Invalid value at 'history_types' ({badType})", "invalidParameter");
        }

        var kinds = types.Length == 0
            ? null
            : types.Select(x => x.ToLowerInvariant() switch
            {
                "messageadded" => HistoryKind.MessageAdded,
                "messagedeleted" => HistoryKind.MessageDeleted,
                "labeladded" => HistoryKind.LabelAdded,
                _ => HistoryKind.LabelRemoved,
            }).ToHashSet();
        var labelFilter = req.Q("labelId");
        var max = MaxResults(req);
        var start = (long)Math.Min(startU, long.MaxValue);
        var pageToken = req.Q("pageToken");
        if (!string.IsNullOrEmpty(pageToken))
        {
            var after = PageOffset(req, "h");
            start = Math.Max(start, after);
        }

        var box = c.Mailbox;
        var list = new List<HistoryRecord>();
        var more = false;
        long current;
        lock (box.Sync)
        {
            box.ExpireHistory(time.GetUtcNow() - options.CurrentValue.HistoryRetention);
            if ((long)Math.Min(startU, long.MaxValue) < box.OldestValidHistoryId)
            {
                return GoogleErrors.NotFound();
            }

            current = box.HistoryId;
            var labelId = labelFilter is null ? null : box.FindLabel(labelFilter)?.Id ?? labelFilter;
            foreach (var h in box.History)
            {
                if (h.Id <= start || (kinds is not null && !kinds.Contains(h.Kind)))
                {
                    continue;
                }

                if (labelId is not null && !h.MessageLabels.Contains(labelId) && !h.LabelIds.Contains(labelId))
                {
                    continue;
                }

                if (list.Count == max)
                {
                    more = true;
                    break;
                }

                list.Add(h);
            }
        }

        var body = new JsonObject();
        if (list.Count > 0)
        {
            var arr = new JsonArray();
            foreach (var h in list)
            {
                arr.Add(HistoryJson(h));
            }

            body["history"] = arr;
        }

        if (more)
        {
            body["nextPageToken"] = PageToken("h", (int)Math.Min(int.MaxValue, list[^1].Id));
        }

        body["historyId"] = Str(current);
        return ApiResponse.Json(body);
    }

    private static JsonObject HistoryJson(HistoryRecord h)
    {
        JsonObject Msg(bool withLabels)
        {
            var m = new JsonObject { ["id"] = h.MessageId, ["threadId"] = h.ThreadId };
            if (withLabels && h.MessageLabels.Count > 0)
            {
                m["labelIds"] = new JsonArray(h.MessageLabels.Order(StringComparer.Ordinal).Select(l => (JsonNode)l).ToArray());
            }

            return m;
        }

        var o = new JsonObject { ["id"] = Str(h.Id), ["messages"] = new JsonArray(Msg(false)) };
        switch (h.Kind)
        {
            case HistoryKind.MessageAdded:
                o["messagesAdded"] = new JsonArray(new JsonObject { ["message"] = Msg(true) });
                break;
            case HistoryKind.MessageDeleted:
                o["messagesDeleted"] = new JsonArray(new JsonObject { ["message"] = Msg(false) });
                break;
            case HistoryKind.LabelAdded:
                o["labelsAdded"] = new JsonArray(new JsonObject { ["message"] = Msg(true), ["labelIds"] = new JsonArray(h.LabelIds.Select(l => (JsonNode)l).ToArray()) });
                break;
            case HistoryKind.LabelRemoved:
                o["labelsRemoved"] = new JsonArray(new JsonObject { ["message"] = Msg(true), ["labelIds"] = new JsonArray(h.LabelIds.Select(l => (JsonNode)l).ToArray()) });
                break;
        }

        return o;
    }
}
