using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Mime;
using EmailSync.GmailEmulator.Model;
using EmailSync.GmailEmulator.OAuth;
using EmailSync.GmailEmulator.Push;
using EmailSync.GmailEmulator.Quota;
using EmailSync.GmailEmulator.Search;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using MimeKit;

namespace EmailSync.GmailEmulator.Api;

/// <summary>
/// The Gmail REST subset. Works on <see cref="ApiRequest"/> so that plain HTTP calls and batch parts take
/// the same path: route → authentication → fault injection → quota → handler → <c>fields</c>.
/// </summary>
public sealed class GmailApi(
    MailboxStore store,
    TokenService tokens,
    QuotaGovernor quota,
    FaultInjector faults,
    PushNotifier push,
    IOptionsMonitor<GmailEmulatorOptions> options,
    TimeProvider time)
{
    private const int MaxSendBytes = 35 * 1024 * 1024;
    private static readonly string[] HistoryTypes = ["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"];
    private readonly ConcurrentDictionary<string, SearchResult> searchCache = new(StringComparer.Ordinal);

    private sealed record SearchResult(long Version, List<StoredMessage> Messages);

    private sealed record Route(string Name, string UserId, string? Id = null, string? Sub = null);

    private sealed record Caller(Mailbox Mailbox, IReadOnlyList<string> Scopes, string Project)
    {
        public bool MetadataOnly => Scopes.Contains(GmailScopes.Metadata);

        public bool Has(IEnumerable<string> any) => any.Any(Scopes.Contains);
    }

    public async Task<ApiResponse> HandleAsync(ApiRequest req, CancellationToken ct)
    {
        if (req.Method == "POST" && req.Headers.TryGetValue("X-HTTP-Method-Override", out var over) && over.Length > 0)
        {
            req.Method = over.ToUpperInvariant();
            if (req.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true && req.Body.Length > 0)
            {
                foreach (var (k, v) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(req.Body)))
                {
                    req.Query[k] = req.Query.TryGetValue(k, out var existing) ? StringValues.Concat(existing, v) : v;
                }
            }
        }

        var route = Resolve(req);
        if (route is null)
        {
            return GoogleErrors.NotFound();
        }

        QuotaRejection? rejection = null;
        var caller = Authenticate(req, route, out var authError);
        if (caller is null)
        {
            return authError!;
        }

        using var lease = route.Name == "upload.session" ? null : quota.TryAcquire(caller.Mailbox.Address, caller.Project, route.Name, out rejection);
        if (rejection is not null)
        {
            return GoogleErrors.Error(rejection.Status, rejection.Message, rejection.Reason, domain: rejection.Domain, retryAfterSeconds: rejection.RetryAfterSeconds);
        }

        var fault = faults.Take(route.Name, caller.Mailbox.Address);
        if (fault is not null)
        {
            if (fault.LatencyMs is > 0)
            {
                await Task.Delay(fault.LatencyMs.Value, ct);
            }

            if (fault.Drop)
            {
                return new ApiResponse { Abort = true };
            }

            if (fault.Status is { } status)
            {
                var retry = fault.RetryAfterSeconds ?? (status is 429 or 403 or 503 ? 1 : null);
                return GoogleErrors.Error(status, fault.Message ?? DefaultFaultMessage(status), fault.Reason ?? (status == 403 ? "rateLimitExceeded" : GoogleErrors.DefaultReason(status)),
                    domain: status is 403 or 429 ? "usageLimits" : "global", retryAfterSeconds: retry);
            }
        }

        ApiResponse response;
        try
        {
            response = route.Name switch
            {
                "users.getProfile" => Profile(caller),
                "users.labels.list" => Labels(caller),
                "users.messages.list" => ListMessages(req, caller),
                "users.messages.get" => GetMessage(req, caller, route.Id!),
                "users.messages.attachments.get" => GetAttachment(caller, route.Id!, route.Sub!),
                "users.messages.send" => Send(req, caller),
                "upload.session" => ContinueUpload(req, caller, route.Id!),
                "users.threads.list" => ListThreads(req, caller),
                "users.threads.get" => GetThread(req, caller, route.Id!),
                "users.history.list" => History(req, caller),
                "users.watch" => Watch(req, caller),
                "users.stop" => Stop(caller),
                _ => GoogleErrors.NotFound(),
            };
        }
        catch (QueryException ex)
        {
            return GoogleErrors.BadRequest(ex.Message);
        }
        catch (ApiException ex)
        {
            return ex.Response;
        }

        return ApplyFields(req, response);
    }

    private static string DefaultFaultMessage(int status) => status switch
    {
        401 => "Request had invalid authentication credentials.",
        403 => "User-rate limit exceeded.",
        429 => "Too many concurrent requests for user.",
        500 => "Internal error encountered.",
        503 => "The service is currently unavailable.",
        _ => ApiResponse.ReasonPhrase(status),
    };

    private sealed class ApiException(ApiResponse response) : Exception
    {
        public ApiResponse Response { get; } = response;
    }

    private static Route? Resolve(ApiRequest req)
    {
        var path = req.Path.TrimEnd('/');
        var upload = path.StartsWith("/upload/gmail/v1/users/", StringComparison.Ordinal);
        if (!upload && !path.StartsWith("/gmail/v1/users/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[(upload ? "/upload/gmail/v1/users/".Length : "/gmail/v1/users/".Length)..];
        var seg = rest.Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (seg.Length < 2 || seg[0].Length == 0)
        {
            return null;
        }

        var user = seg[0];
        var m = req.Method;
        if (upload)
        {
            return (seg, m) switch
            {
                ([_, "messages", "send"], "POST") when req.Q("upload_id") is null => new Route("users.messages.send", user),
                ([_, "messages", "send"], "PUT" or "POST") when req.Q("upload_id") is { } uploadId => new Route("upload.session", user, uploadId),
                _ => null,
            };
        }

        return seg switch
        {
            [_, "profile"] when m == "GET" => new Route("users.getProfile", user),
            [_, "labels"] when m == "GET" => new Route("users.labels.list", user),
            [_, "messages"] when m == "GET" => new Route("users.messages.list", user),
            [_, "messages", "send"] when m == "POST" => new Route("users.messages.send", user),
            [_, "messages", var id] when m == "GET" => new Route("users.messages.get", user, id),
            [_, "messages", var id, "attachments", var aid] when m == "GET" => new Route("users.messages.attachments.get", user, id, aid),
            [_, "threads"] when m == "GET" => new Route("users.threads.list", user),
            [_, "threads", var id] when m == "GET" => new Route("users.threads.get", user, id),
            [_, "history"] when m == "GET" => new Route("users.history.list", user),
            [_, "watch"] when m == "POST" => new Route("users.watch", user),
            [_, "stop"] when m == "POST" => new Route("users.stop", user),
            _ => null,
        };
    }

    private Caller? Authenticate(ApiRequest req, Route route, out ApiResponse? error)
    {
        error = null;
        string? token = null;
        if (req.Headers.TryGetValue("Authorization", out var auth) && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = auth[7..].Trim();
        }

        token ??= req.Q("access_token") ?? req.Q("oauth_token");
        Mailbox? box;
        IReadOnlyList<string> scopes;
        string project;
        if (token is null && !options.CurrentValue.RequireAuthentication)
        {
            box = route.UserId == "me" ? store.All.FirstOrDefault() : store.Find(route.UserId);
            scopes = [GmailScopes.Full];
            project = "anonymous";
        }
        else
        {
            var info = token is null ? null : tokens.Validate(token);
            if (info is null)
            {
                error = GoogleErrors.Unauthenticated();
                return null;
            }

            box = store.Find(info.Mailbox);
            scopes = info.Scopes;
            project = info.ClientId;
            if (box is not null && route.UserId != "me" && !box.Owns(route.UserId))
            {
                error = GoogleErrors.Error(403, $"Delegation denied for {box.Address}", "forbidden", "PERMISSION_DENIED");
                return null;
            }
        }

        if (box is null)
        {
            error = GoogleErrors.Error(400, "Mail service not enabled", "failedPrecondition", "FAILED_PRECONDITION");
            return null;
        }

        var caller = new Caller(box, scopes, project);
        var allowed = route.Name is "users.messages.send" or "upload.session"
            ? caller.Has(GmailScopes.Sending)
            : route.Name == "users.labels.list"
                ? caller.Has(GmailScopes.Read.Append(GmailScopes.Labels))
                : route.Name == "users.getProfile"
                    ? caller.Has(GmailScopes.Read.Concat(GmailScopes.Sending))
                    : caller.Has(GmailScopes.Read);
        if (!allowed)
        {
            error = GoogleErrors.InsufficientScopes();
            return null;
        }

        return caller;
    }

    private static ApiResponse ApplyFields(ApiRequest req, ApiResponse response)
    {
        var fields = req.Q("fields");
        if (string.IsNullOrEmpty(fields) || response.Status != 200 || response.Body.Length == 0)
        {
            return response;
        }

        FieldMask mask;
        try
        {
            mask = FieldMask.Parse(fields);
        }
        catch (FormatException ex)
        {
            return GoogleErrors.BadRequest("Invalid field selection " + fields + ": " + ex.Message, "invalidParameter");
        }

        var node = JsonNode.Parse(response.Body);
        return ApiResponse.Json(mask.Apply(node) ?? new JsonObject());
    }

    // ---------------- profile, labels ----------------

    private ApiResponse Profile(Caller c)
    {
        var box = c.Mailbox;
        lock (box.Sync)
        {
            return ApiResponse.Json(new JsonObject
            {
                ["emailAddress"] = box.Address,
                ["messagesTotal"] = box.MessageCount,
                ["threadsTotal"] = box.ThreadCount,
                ["historyId"] = Str(box.HistoryId),
            });
        }
    }

    private ApiResponse Labels(Caller c)
    {
        var arr = new JsonArray();
        lock (c.Mailbox.Sync)
        {
            foreach (var l in c.Mailbox.Labels)
            {
                var o = new JsonObject { ["id"] = l.Id, ["name"] = l.Name };
                if (l.MessageListVisibility is not null)
                {
                    o["messageListVisibility"] = l.MessageListVisibility;
                }

                if (l.LabelListVisibility is not null)
                {
                    o["labelListVisibility"] = l.LabelListVisibility;
                }

                o["type"] = l.System ? "system" : "user";
                arr.Add(o);
            }
        }

        return ApiResponse.Json(new JsonObject { ["labels"] = arr });
    }

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

    // ---------------- messages.get / threads.get ----------------

    private ApiResponse GetMessage(ApiRequest req, Caller c, string id)
    {
        var format = (req.Q("format") ?? "full").ToLowerInvariant();
        if (format is not ("minimal" or "metadata" or "full" or "raw"))
        {
            return GoogleErrors.BadRequest($"Invalid value at 'format' ({format})", "invalidParameter");
        }

        CheckFormatAllowed(c, format);
        StoredMessage? m;
        string[] labels;
        long historyId;
        lock (c.Mailbox.Sync)
        {
            m = c.Mailbox.Find(id);
            if (m is null)
            {
                return GoogleErrors.NotFound();
            }

            labels = SortedLabels(m);
            historyId = m.HistoryId;
        }

        return ApiResponse.Json(MessageJson(m, labels, historyId, format, MetadataHeaders(req)));
    }

    private static void CheckFormatAllowed(Caller c, string format)
    {
        if (c.MetadataOnly && format is "full" or "raw")
        {
            throw new ApiException(GoogleErrors.Error(403, $"Metadata scope doesn't allow format {format.ToUpperInvariant()}", "forbidden", "PERMISSION_DENIED"));
        }
    }

    private static HashSet<string>? MetadataHeaders(ApiRequest req) =>
        req.Query.TryGetValue("metadataHeaders", out var h) && h.Count > 0
            ? new HashSet<string>(h.SelectMany(x => (x ?? "").Split(',')).Select(x => x.Trim()).Where(x => x.Length > 0), StringComparer.OrdinalIgnoreCase)
            : null;

    private static string[] SortedLabels(StoredMessage m)
    {
        var arr = m.Labels.ToArray();
        Array.Sort(arr, StringComparer.Ordinal);
        return arr;
    }

    private JsonObject MessageJson(StoredMessage m, string[] labels, long historyId, string format, HashSet<string>? metadataHeaders)
    {
        var o = new JsonObject { ["id"] = m.Id, ["threadId"] = m.ThreadId };
        if (labels.Length > 0)
        {
            var arr = new JsonArray();
            foreach (var l in labels)
            {
                arr.Add(l);
            }

            o["labelIds"] = arr;
        }

        o["snippet"] = m.Content.Doc.Snippet;
        o["sizeEstimate"] = m.Content.Size;
        o["historyId"] = Str(historyId);
        o["internalDate"] = Str(m.InternalDate);
        switch (format)
        {
            case "raw":
                o["raw"] = store.Cache.GetOrAdd(m.Content, 1, () => Base64Url.Encode(m.Content.GetRaw(), pad: true), s => s.Length);
                break;
            case "metadata":
                o["payload"] = MetadataPayload(m.Content.GetRaw(), metadataHeaders);
                break;
            case "full":
                var parsed = ParsedMessage.Parse(m.Content.GetRaw());
                o["payload"] = MimeView.Payload(parsed, partId => NewAttachmentId(m.Id, partId), null, includeBodies: true);
                break;
        }

        return o;
    }

    private static JsonObject MetadataPayload(byte[] raw, HashSet<string>? filter)
    {
        using var stream = new MemoryStream(raw, writable: false);
        var headers = HeaderList.Load(stream);
        var contentType = headers[HeaderId.ContentType];
        var mime = contentType is null ? "text/plain" : ContentType.TryParse(contentType, out var ct) ? ct.MimeType.ToLowerInvariant() : "text/plain";
        var o = new JsonObject { ["partId"] = "", ["mimeType"] = mime, ["filename"] = "" };
        var arr = new JsonArray();
        foreach (var h in headers)
        {
            if (filter is null || filter.Contains(h.Field))
            {
                arr.Add(new JsonObject { ["name"] = h.Field, ["value"] = h.Value.Trim() });
            }
        }

        if (arr.Count > 0)
        {
            o["headers"] = arr;
        }

        return o;
    }

    /// <summary>Attachment ids are opaque and differ on every call, like Gmail's; they encode the part id.</summary>
    private static string NewAttachmentId(string messageId, string partId)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var payload = Encoding.UTF8.GetBytes($"{messageId}|{partId}");
        return "ANGjdJ" + Base64Url.Encode([.. nonce, .. payload], pad: false);
    }

    private static (string MessageId, string PartId)? ParseAttachmentId(string attachmentId)
    {
        if (!attachmentId.StartsWith("ANGjdJ", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var bytes = Base64Url.Decode(attachmentId[6..]);
            if (bytes.Length <= 12)
            {
                return null;
            }

            var text = Encoding.UTF8.GetString(bytes, 12, bytes.Length - 12);
            var bar = text.IndexOf('|');
            return bar < 0 ? null : (text[..bar], text[(bar + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private ApiResponse GetAttachment(Caller c, string messageId, string attachmentId)
    {
        if (c.MetadataOnly)
        {
            return GoogleErrors.Error(403, "Metadata scope doesn't allow attachment access", "forbidden", "PERMISSION_DENIED");
        }

        StoredMessage? m;
        lock (c.Mailbox.Sync)
        {
            m = c.Mailbox.Find(messageId);
        }

        var parsedId = ParseAttachmentId(attachmentId);
        if (m is null || parsedId is null || parsedId.Value.MessageId != messageId)
        {
            return parsedId is null && m is not null ? GoogleErrors.BadRequest("Invalid attachment token") : GoogleErrors.NotFound();
        }

        var part = MimeView.FindPart(ParsedMessage.Parse(m.Content.GetRaw()), parsedId.Value.PartId);
        if (part is null or Multipart)
        {
            return GoogleErrors.NotFound();
        }

        var bytes = MimeView.Content(part);
        return ApiResponse.Json(new JsonObject { ["size"] = bytes.Length, ["data"] = Base64Url.Encode(bytes, pad: false) });
    }

    private ApiResponse GetThread(ApiRequest req, Caller c, string id)
    {
        var format = (req.Q("format") ?? "full").ToLowerInvariant();
        if (format is not ("minimal" or "metadata" or "full"))
        {
            return GoogleErrors.BadRequest($"Invalid value at 'format' ({format})", "invalidParameter");
        }

        CheckFormatAllowed(c, format);
        List<(StoredMessage M, string[] Labels, long HistoryId)> items;
        lock (c.Mailbox.Sync)
        {
            var thread = c.Mailbox.Thread(id);
            if (thread is null || thread.Count == 0)
            {
                return GoogleErrors.NotFound();
            }

            items = thread.Select(m => (m, SortedLabels(m), m.HistoryId)).ToList();
        }

        var headers = MetadataHeaders(req);
        var arr = new JsonArray();
        foreach (var (m, labels, hid) in items)
        {
            arr.Add(MessageJson(m, labels, hid, format, headers));
        }

        return ApiResponse.Json(new JsonObject
        {
            ["id"] = id,
            ["snippet"] = items[^1].M.Content.Doc.Snippet,
            ["historyId"] = Str(items.Max(x => x.HistoryId)),
            ["messages"] = arr,
        });
    }

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

    // ---------------- send ----------------

    private ApiResponse Send(ApiRequest req, Caller c)
    {
        byte[] raw;
        string? threadId = null;
        var isUpload = req.Path.StartsWith("/upload/", StringComparison.Ordinal);
        var contentType = req.ContentType ?? "";
        if (isUpload)
        {
            var uploadType = req.Q("uploadType") ?? "media";
            switch (uploadType)
            {
                case "media":
                    raw = req.Body;
                    break;
                case "multipart":
                    (raw, threadId) = ParseMultipartUpload(req);
                    break;
                case "resumable":
                    return StartUpload(req, c);
                default:
                    return GoogleErrors.BadRequest($"Invalid uploadType: {uploadType}. Use media, multipart or resumable.");
            }
        }
        else
        {
            if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && contentType.Length > 0)
            {
                return GoogleErrors.BadRequest("Expected a JSON body {raw, threadId}. Send message/rfc822 to /upload/gmail/v1/users/{userId}/messages/send.");
            }

            JsonNode? body;
            try
            {
                body = req.Body.Length == 0 ? null : JsonNode.Parse(req.Body);
            }
            catch (JsonException)
            {
                return GoogleErrors.BadRequest("Invalid JSON payload received.");
            }

            var rawText = body?["raw"]?.GetValue<string>();
            if (string.IsNullOrEmpty(rawText))
            {
                return GoogleErrors.Error(400, "'raw' RFC822 payload message string or uploading message via /upload/* URL required", "invalidArgument");
            }

            try
            {
                raw = Base64Url.Decode(rawText);
            }
            catch (FormatException)
            {
                return GoogleErrors.BadRequest("Invalid value for ByteString: raw");
            }

            threadId = body?["threadId"]?.GetValue<string>();
        }

        return SendBytes(c, raw, threadId);
    }

    private ApiResponse SendBytes(Caller c, byte[] raw, string? threadId)
    {
        if (raw.Length > MaxSendBytes)
        {
            return GoogleErrors.Error(413, "Request payload size exceeds the limit: 36700160 bytes.", "uploadTooLarge", "INVALID_ARGUMENT");
        }

        MimeMessage message;
        try
        {
            using var ms = new MemoryStream(raw, writable: false);
            message = MimeMessage.Load(ms);
        }
        catch (FormatException)
        {
            return GoogleErrors.BadRequest("Invalid RFC 2822 message.");
        }

        if (!message.To.Mailboxes.Any() && !message.Cc.Mailboxes.Any() && !message.Bcc.Mailboxes.Any())
        {
            return GoogleErrors.BadRequest("Recipient address required");
        }

        var changed = false;
        if (!message.From.Mailboxes.Any())
        {
            message.From.Add(new MailboxAddress(c.Mailbox.DisplayName, c.Mailbox.Address));
            changed = true;
        }

        if (string.IsNullOrEmpty(message.MessageId))
        {
            message.MessageId = $"{Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant()}@mail.gmail.com";
            changed = true;
        }

        if (!message.Headers.Contains(HeaderId.Date))
        {
            message.Date = time.GetUtcNow();
            changed = true;
        }

        if (changed)
        {
            using var outStream = new MemoryStream();
            var format = FormatOptions.Default.Clone();
            format.NewLineFormat = NewLineFormat.Dos;
            message.WriteTo(format, outStream);
            raw = outStream.ToArray();
        }

        var sent = store.Send(c.Mailbox, raw, threadId);
        string[] labels;
        lock (c.Mailbox.Sync)
        {
            labels = SortedLabels(sent);
        }

        return ApiResponse.Json(new JsonObject
        {
            ["id"] = sent.Id,
            ["threadId"] = sent.ThreadId,
            ["labelIds"] = new JsonArray(labels.Select(l => (JsonNode)l).ToArray()),
        });
    }

    private static (byte[] Raw, string? ThreadId) ParseMultipartUpload(ApiRequest req)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"Content-Type: {req.ContentType ?? "multipart/related"}\r\n\r\n"));
        ms.Write(req.Body);
        ms.Position = 0;
        var entity = MimeEntity.Load(ms);
        if (entity is not Multipart mp || mp.Count < 2)
        {
            throw new ApiException(GoogleErrors.BadRequest("Multipart upload needs a metadata part and a media part."));
        }

        string? threadId = null;
        var metadata = MimeView.Content(mp[0]);
        if (metadata.Length > 0)
        {
            try
            {
                threadId = JsonNode.Parse(metadata)?["threadId"]?.GetValue<string>();
            }
            catch (JsonException)
            {
                throw new ApiException(GoogleErrors.BadRequest("Invalid JSON metadata part."));
            }
        }

        return (MimeView.Content(mp[1]), threadId);
    }

    // ---------------- resumable upload (messages.send?uploadType=resumable) ----------------

    private sealed class UploadSession(string mailbox, string? threadId, long? total)
    {
        public string Mailbox { get; } = mailbox;
        public string? ThreadId { get; } = threadId;
        public long? Total { get; set; } = total;
        public MemoryStream Buffer { get; } = new();
    }

    private readonly ConcurrentDictionary<string, UploadSession> uploads = new(StringComparer.Ordinal);

    /// <summary>Starts a session: JSON metadata ({threadId}) in the body; answers 200 with the session URI in Location.</summary>
    private ApiResponse StartUpload(ApiRequest req, Caller c)
    {
        string? threadId = null;
        if (req.Body.Length > 0)
        {
            try
            {
                threadId = JsonNode.Parse(req.Body)?["threadId"]?.GetValue<string>();
            }
            catch (JsonException)
            {
                return GoogleErrors.BadRequest("Invalid JSON metadata.");
            }
        }

        long? total = req.Headers.TryGetValue("X-Upload-Content-Length", out var len) && long.TryParse(len, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var id = TokenService.Random("AUp", 24);
        uploads[id] = new UploadSession(c.Mailbox.Address, threadId, total);
        var response = ApiResponse.Empty(200);
        response.Headers.Add(new("Location", $"{req.PublicBase}{req.Path}?uploadType=resumable&upload_id={id}"));
        return response;
    }

    /// <summary>PUT of (a chunk of) the bytes, with Content-Range "bytes a-b/total" or "bytes */total"; 308 until complete.</summary>
    private ApiResponse ContinueUpload(ApiRequest req, Caller c, string uploadId)
    {
        if (!uploads.TryGetValue(uploadId, out var session) || session.Mailbox != c.Mailbox.Address)
        {
            return GoogleErrors.NotFound();
        }

        var range = req.Headers.GetValueOrDefault("Content-Range");
        long? total = session.Total;
        if (range is not null && range.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            var spec = range[6..];
            var slash = spec.IndexOf('/');
            var totalText = slash < 0 ? "*" : spec[(slash + 1)..];
            if (totalText != "*" && long.TryParse(totalText, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                total = session.Total = t;
            }

            var span = slash < 0 ? spec : spec[..slash];
            if (span != "*")
            {
                var dash = span.IndexOf('-');
                if (dash < 0 || !long.TryParse(span[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first) || first != session.Buffer.Length)
                {
                    return Resume(session);
                }

                session.Buffer.Write(req.Body);
            }
        }
        else
        {
            session.Buffer.Write(req.Body);
            total ??= session.Buffer.Length;
        }

        if (total is null || session.Buffer.Length < total)
        {
            return Resume(session);
        }

        uploads.TryRemove(uploadId, out _);
        return SendBytes(c, session.Buffer.ToArray(), session.ThreadId);
    }

    private static ApiResponse Resume(UploadSession session)
    {
        var r = ApiResponse.Empty(308);
        if (session.Buffer.Length > 0)
        {
            r.Headers.Add(new("Range", $"bytes=0-{session.Buffer.Length - 1}"));
        }

        return r;
    }

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

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
