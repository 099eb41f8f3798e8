using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace EmailSync.GmailEmulator.Api;

/// <summary>
/// POST /batch/gmail/v1 and /batch: a multipart/mixed body of application/http parts, each a whole inner
/// request (absolute or relative URI, HTTP version optional, CRLF or LF line ends). Answers one part per
/// request, in request order, under an unquoted boundary (what Google.Apis' BatchRequest parses).
/// </summary>
public sealed class BatchHandler(GmailApi api)
{
    public const int MaxCalls = 100;

    public sealed record Result(ApiResponse? Response, string? Boundary, byte[] Body, bool Abort);

    public async Task<Result> HandleAsync(string? contentType, IReadOnlyDictionary<string, string> outerHeaders, byte[] body, CancellationToken ct)
    {
        var boundary = BoundaryOf(contentType);
        if (boundary is null)
        {
            return new Result(GoogleErrors.BadRequest("Batch requests must be multipart/mixed with a boundary."), null, [], false);
        }

        var parts = SplitParts(Encoding.UTF8.GetString(body), boundary);
        if (parts.Count == 0)
        {
            return new Result(GoogleErrors.BadRequest("The batch request has no parts."), null, [], false);
        }

        if (parts.Count > MaxCalls)
        {
            return new Result(GoogleErrors.BadRequest($"A batch request may hold at most {MaxCalls} calls; this one has {parts.Count}."), null, [], false);
        }

        var outBoundary = "batch_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            var (contentId, response) = await ExecutePartAsync(part, outerHeaders, ct);
            if (response.Abort)
            {
                return new Result(null, null, [], true);
            }

            sb.Append("--").Append(outBoundary).Append("\r\n");
            sb.Append("Content-Type: application/http\r\n");
            if (contentId is not null)
            {
                sb.Append("Content-ID: <response-").Append(contentId).Append(">\r\n");
            }

            sb.Append("\r\n");
            sb.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ApiResponse.ReasonPhrase(response.Status)}\r\n");
            sb.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
            foreach (var (k, v) in response.Headers)
            {
                sb.Append(k).Append(": ").Append(v).Append("\r\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {response.Body.Length}\r\n\r\n");
            sb.Append(Encoding.UTF8.GetString(response.Body)).Append("\r\n");
        }

        sb.Append("--").Append(outBoundary).Append("--\r\n");
        return new Result(null, outBoundary, Encoding.UTF8.GetBytes(sb.ToString()), false);
    }

    private static string? BoundaryOf(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var piece in contentType.Split(';'))
        {
            var p = piece.Trim();
            if (p.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                return p[9..].Trim().Trim('"');
            }
        }

        return null;
    }

    private static List<string> SplitParts(string body, string boundary)
    {
        var parts = new List<string>();
        var delimiter = "--" + boundary;
        var chunks = body.Split(delimiter);
        for (var i = 1; i < chunks.Length; i++)
        {
            var chunk = chunks[i];
            if (chunk.StartsWith("--", StringComparison.Ordinal))
            {
                break; // close delimiter
            }

            parts.Add(chunk.TrimStart('\r', '\n'));
        }

        return parts;
    }

    private async Task<(string? ContentId, ApiResponse Response)> ExecutePartAsync(string part, IReadOnlyDictionary<string, string> outerHeaders, CancellationToken ct)
    {
        var reader = new LineReader(part);
        var partHeaders = reader.ReadHeaders();
        var contentId = partHeaders.TryGetValue("Content-ID", out var cid) ? cid.Trim().Trim('<', '>') : null;
        var requestLine = reader.ReadLine();
        while (requestLine is { Length: 0 })
        {
            requestLine = reader.ReadLine();
        }

        var pieces = requestLine?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (pieces.Length < 2)
        {
            return (contentId, GoogleErrors.BadRequest("Malformed inner request line in batch part."));
        }

        var innerHeaders = reader.ReadHeaders();
        var innerBody = reader.Rest().TrimEnd('\r', '\n');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in outerHeaders)
        {
            if (!k.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                headers[k] = v;
            }
        }

        foreach (var (k, v) in innerHeaders)
        {
            headers[k] = v;
        }

        var target = pieces[1];
        string pathAndQuery;
        if (Uri.TryCreate(target, UriKind.Absolute, out var abs) && abs.Scheme is "http" or "https")
        {
            pathAndQuery = abs.PathAndQuery;
        }
        else
        {
            pathAndQuery = target;
        }

        var q = pathAndQuery.IndexOf('?');
        var path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var query = q < 0 ? "" : pathAndQuery[q..];
        var at = path.IndexOf("/upload/gmail/v1/", StringComparison.Ordinal);
        if (at < 0)
        {
            at = path.IndexOf("/gmail/v1/", StringComparison.Ordinal);
        }

        if (at < 0)
        {
            return (contentId, GoogleErrors.NotFound());
        }

        var request = new ApiRequest
        {
            Method = pieces[0].ToUpperInvariant(),
            Path = path[at..],
            Query = QueryHelpers.ParseQuery(query).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Headers = headers,
            Body = Encoding.UTF8.GetBytes(innerBody),
        };
        return (contentId, await api.HandleAsync(request, ct));
    }

    private sealed class LineReader(string text)
    {
        private int pos;

        public string? ReadLine()
        {
            if (pos >= text.Length)
            {
                return null;
            }

            var nl = text.IndexOf('\n', pos);
            string line;
            if (nl < 0)
            {
                line = text[pos..];
                pos = text.Length;
            }
            else
            {
                line = text[pos..nl];
                pos = nl + 1;
            }

            return line.TrimEnd('\r');
        }

        public Dictionary<string, string> ReadHeaders()
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (ReadLine() is { Length: > 0 } line)
            {
                var colon = line.IndexOf(':');
                if (colon > 0)
                {
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            return headers;
        }

        public string Rest() => pos >= text.Length ? "" : text[pos..];
    }

    internal static StringValues First(StringValues v) => v.Count > 0 ? v[0] : StringValues.Empty;
}
