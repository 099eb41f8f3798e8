using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Model;
using EmailSync.GmailEmulator.OAuth;
using EmailSync.GmailEmulator.Push;
using EmailSync.GmailEmulator.Quota;
using EmailSync.GmailEmulator.Search;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace EmailSync.GmailEmulator.Api;

/// <summary>
/// The Gmail REST subset. Works on <see cref="ApiRequest"/> so that plain HTTP calls and batch parts take
/// the same path: route → authentication → fault injection → quota → handler → <c>fields</c>.
/// </summary>
public sealed partial class GmailApi(
    MailboxStore store,
    TokenService tokens,
    QuotaGovernor quota,
    FaultInjector faults,
    PushNotifier push,
    IOptionsMonitor<GmailEmulatorOptions> options,
    TimeProvider time)
{
    private readonly MailboxStore store = store;
    private readonly TokenService tokens = tokens;
    private readonly QuotaGovernor quota = quota;
    private readonly FaultInjector faults = faults;
    private readonly PushNotifier push = push;
    private readonly IOptionsMonitor<GmailEmulatorOptions> options = options;
    private readonly TimeProvider time = time;

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

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
