using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace EmailSync.GmailEmulator.Api;

/// <summary>One Gmail API call, from HTTP or from a batch part. <see cref="Path"/> is relative to the emulator's root.</summary>
public sealed class ApiRequest
{
    public required string Method { get; set; }
    public required string Path { get; init; }
    public required Dictionary<string, StringValues> Query { get; init; }
    public required Dictionary<string, string> Headers { get; init; }
    public byte[] Body { get; init; } = [];
    public string? ContentType => Headers.GetValueOrDefault("Content-Type");

    /// <summary>scheme://host/pathbase of the emulator as the caller reached it (for absolute URLs it hands out).</summary>
    public string? PublicBase { get; init; }

    public string? Q(string name) => Query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;
}

/// <summary>What a call answers.</summary>
public sealed class ApiResponse
{
    public int Status { get; init; } = 200;
    public string ContentType { get; init; } = "application/json; charset=UTF-8";
    public byte[] Body { get; init; } = [];
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Drop the connection instead of answering (fault injection).</summary>
    public bool Abort { get; init; }

    public static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Unknown";

    public static ApiResponse Json(JsonNode node, int status = 200)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            node.WriteTo(writer);
        }

        return new ApiResponse { Status = status, Body = buffer.WrittenSpan.ToArray() };
    }

    public static ApiResponse Empty(int status = 204) => new() { Status = status, ContentType = "application/json; charset=UTF-8" };
}

/// <summary>Google's error JSON: {"error":{"code","message","errors":[{message,domain,reason,location?,locationType?}],"status"}}.</summary>
public static class GoogleErrors
{
    public static ApiResponse Error(int code, string message, string reason, string? status = null, string domain = "global", string? location = null, string? locationType = null, int? retryAfterSeconds = null)
    {
        var item = new JsonObject { ["message"] = message, ["domain"] = domain, ["reason"] = reason };
        if (location is not null)
        {
            item["location"] = location;
            item["locationType"] = locationType ?? "parameter";
        }

        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["errors"] = new JsonArray(item),
                ["status"] = status ?? DefaultStatus(code),
            },
        };
        var response = ApiResponse.Json(body, code);
        if (retryAfterSeconds is { } s)
        {
            response.Headers.Add(new("Retry-After", s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return response;
    }

    public static string DefaultStatus(int code) => code switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    };

    public static string DefaultReason(int code) => code switch
    {
        400 => "badRequest",
        401 => "authError",
        403 => "forbidden",
        404 => "notFound",
        429 => "rateLimitExceeded",
        >= 500 => "backendError",
        _ => "unknown",
    };

    public static ApiResponse BadRequest(string message, string reason = "invalidArgument") => Error(400, message, reason);

    public static ApiResponse NotFound() => Error(404, "Requested entity was not found.", "notFound");

    public static ApiResponse Unauthenticated() => Error(401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        "authError", "UNAUTHENTICATED", location: "Authorization", locationType: "header");

    public static ApiResponse InsufficientScopes() => Error(403, "Request had insufficient authentication scopes.", "insufficientPermissions", "PERMISSION_DENIED");
}

/// <summary>The <c>fields</c> partial-response syntax: "a,b/c,d(e,f),*".</summary>
public sealed class FieldMask
{
    private readonly Dictionary<string, FieldMask?> children = new(StringComparer.Ordinal);
    private bool all;

    public static FieldMask Parse(string text)
    {
        var mask = new FieldMask();
        var pos = 0;
        mask.ParseList(text, ref pos, stopAtParen: false);
        if (pos != text.Length)
        {
            throw new FormatException($"Invalid field selection '{text}'.");
        }

        return mask;
    }

    private void ParseList(string text, ref int pos, bool stopAtParen)
    {
        while (pos < text.Length)
        {
            if (text[pos] == ')' && stopAtParen)
            {
                return;
            }

            ParseSelector(text, ref pos);
            if (pos < text.Length && text[pos] == ',')
            {
                pos++;
            }
        }
    }

    private void ParseSelector(string text, ref int pos)
    {
        var start = pos;
        while (pos < text.Length && text[pos] is not ',' and not '(' and not ')')
        {
            pos++;
        }

        var path = text[start..pos].Trim();
        if (path.Length == 0)
        {
            throw new FormatException($"Invalid field selection '{text}'.");
        }

        var node = this;
        var segments = path.Split('/');
        var hasSub = pos < text.Length && text[pos] == '(';
        for (var i = 0; i < segments.Length && node is not null; i++)
        {
            var seg = segments[i].Trim();
            var last = i == segments.Length - 1;
            if (seg == "*" && last && !hasSub)
            {
                node.all = true;
                node = null;
                break;
            }

            if (last && !hasSub)
            {
                node.children[seg] = null; // the whole field
                node = null;
                break;
            }

            if (node.children.TryGetValue(seg, out var child) && child is null)
            {
                node = null; // already selected whole; nothing narrower to add
                break;
            }

            if (child is null)
            {
                node.children[seg] = child = new FieldMask();
            }

            node = child;
        }

        if (hasSub)
        {
            pos++;
            var target = node ?? new FieldMask();
            target.ParseList(text, ref pos, stopAtParen: true);
            if (pos >= text.Length || text[pos] != ')')
            {
                throw new FormatException($"Unbalanced parentheses in '{text}'.");
            }

            pos++;
        }
    }

    public JsonNode? Apply(JsonNode? node)
    {
        if (node is null || all)
        {
            return node;
        }

        switch (node)
        {
            case JsonArray arr:
                var outArr = new JsonArray();
                foreach (var item in arr)
                {
                    outArr.Add(Apply(item?.DeepClone()));
                }

                return outArr;
            case JsonObject obj:
                var outObj = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (children.TryGetValue(key, out var sub))
                    {
                        var kept = sub is null ? value?.DeepClone() : sub.Apply(value);
                        if (kept is not null && !(sub is not null && kept is JsonObject { Count: 0 }))
                        {
                            outObj[key] = kept;
                        }
                    }
                }

                return outObj;
            default:
                return node.DeepClone();
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in children)
        {
            sb.Append(k).Append(v is null ? "" : $"({v})").Append(',');
        }

        return sb.ToString().TrimEnd(',');
    }
}
