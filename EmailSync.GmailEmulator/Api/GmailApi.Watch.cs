using System.Text.Json;
using System.Text.Json.Nodes;

namespace EmailSync.GmailEmulator.Api;

public sealed partial class GmailApi
{
    // ---------------- watch / stop ----------------

    private ApiResponse Watch(ApiRequest req, Caller c)
    {
        JsonNode? body;
        try
        {
            body = req.Body.Length == 0 ? null : JsonNode.Parse(req.Body);
        }
        catch (JsonException)
        {
            return GoogleErrors.BadRequest("Invalid JSON payload received.");
        }

        var topic = body?["topicName"]?.GetValue<string>();
        if (string.IsNullOrEmpty(topic))
        {
            return GoogleErrors.BadRequest("Invalid topicName: topicName is required");
        }

        var parts = topic.Split('/');
        if (parts is not ["projects", { Length: > 0 }, "topics", { Length: > 0 }])
        {
            return GoogleErrors.BadRequest($"Invalid topicName does not match projects/SOME-PROJECT/topics/SOME-TOPIC: {topic}");
        }

        var labels = body?["labelIds"] is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").Where(x => x.Length > 0).ToArray() : [];
        var behavior = body?["labelFilterBehavior"]?.GetValue<string>() ?? body?["labelFilterAction"]?.GetValue<string>() ?? "include";
        var w = push.Watch(c.Mailbox, topic, labels, behavior.Equals("exclude", StringComparison.OrdinalIgnoreCase));
        long historyId;
        lock (c.Mailbox.Sync)
        {
            historyId = c.Mailbox.HistoryId;
        }

        return ApiResponse.Json(new JsonObject { ["historyId"] = Str(historyId), ["expiration"] = Str(w.Expiration.ToUnixTimeMilliseconds()) });
    }

    private ApiResponse Stop(Caller c)
    {
        push.Stop(c.Mailbox);
        return ApiResponse.Empty();
    }
}
