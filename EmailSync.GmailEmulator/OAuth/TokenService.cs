using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EmailSync.GmailEmulator.OAuth;

/// <summary>Gmail OAuth scopes and what they allow.</summary>
public static class GmailScopes
{
    public const string Full = "https://mail.google.com/";
    public const string Modify = "https://www.googleapis.com/auth/gmail.modify";
    public const string Readonly = "https://www.googleapis.com/auth/gmail.readonly";
    public const string Metadata = "https://www.googleapis.com/auth/gmail.metadata";
    public const string Send = "https://www.googleapis.com/auth/gmail.send";
    public const string Compose = "https://www.googleapis.com/auth/gmail.compose";
    public const string Labels = "https://www.googleapis.com/auth/gmail.labels";

    public static readonly string[] Read = [Full, Modify, Readonly, Metadata];
    public static readonly string[] Sending = [Full, Modify, Compose, Send];

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [Full] = "Read, compose, send, and permanently delete all your email from Gmail",
        [Modify] = "Read, compose, and send emails from your Gmail account",
        [Readonly] = "View your email messages and settings",
        [Metadata] = "View your email message metadata such as labels and headers, but not the email body",
        [Send] = "Send email on your behalf",
        [Compose] = "Manage drafts and send emails",
        [Labels] = "See and edit your email labels",
        ["openid"] = "Associate you with your personal info on Google",
        ["email"] = "See your primary Google Account email address",
        ["profile"] = "See your personal info, including any personal info you've made publicly available",
    };

    /// <summary>Expands Google's short aliases ("gmail.readonly" → full URL) and normalises order.</summary>
    public static string[] Normalize(IEnumerable<string> scopes) => scopes
        .Select(s => s.Trim())
        .Where(s => s.Length > 0)
        .Select(s => s.StartsWith("gmail.", StringComparison.Ordinal) ? "https://www.googleapis.com/auth/" + s : s)
        .Select(s => s is "https://www.googleapis.com/auth/userinfo.email" ? "email" : s is "https://www.googleapis.com/auth/userinfo.profile" ? "profile" : s)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToArray();
}

/// <summary>A live access token.</summary>
public sealed record AccessTokenInfo(string Token, string Mailbox, IReadOnlyList<string> Scopes, string ClientId, DateTimeOffset Expires, string GrantId);

/// <summary>One consent: a user allowed a client some scopes. Revoking it kills its refresh and access tokens.</summary>
public sealed class Grant(string id, string mailbox, string clientId)
{
    public string Id { get; } = id;
    public string Mailbox { get; } = mailbox;
    public string ClientId { get; } = clientId;
    public HashSet<string> Scopes { get; } = new(StringComparer.Ordinal);
    public bool Revoked { get; set; }
    public DateTimeOffset Created { get; init; }
}

public sealed record RefreshTokenInfo(string Token, Grant Grant, DateTimeOffset Created)
{
    public bool Revoked { get; set; }

    public string[] Scopes { get; init; } = [];
}

public sealed record AuthorizationCode(
    string Code, string ClientId, string RedirectUri, string Mailbox, string[] Scopes, string? CodeChallenge,
    string? CodeChallengeMethod, bool Offline, bool ForceConsent, DateTimeOffset Expires)
{
    public bool Used { get; set; }
}

/// <summary>Issues, validates, refreshes and revokes tokens. Thread-safe; state lives in memory.</summary>
public sealed class TokenService(IOptions<GmailEmulatorOptions> options, TimeProvider time)
{
    private const int MaxRefreshTokensPerClient = 100;
    private readonly ConcurrentDictionary<string, AccessTokenInfo> access = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshTokenInfo> refresh = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthorizationCode> codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Mailbox, string Client), Grant> grants = new();
    private readonly Lock sync = new();

    public static string Random(string prefix, int bytes = 32) =>
        prefix + Model.Base64Url.Encode(RandomNumberGenerator.GetBytes(bytes), pad: false);

    public AccessTokenInfo? Validate(string token)
    {
        if (!access.TryGetValue(token, out var info))
        {
            return null;
        }

        if (info.Expires <= time.GetUtcNow() || (grants.TryGetValue((info.Mailbox, info.ClientId), out var g) && g.Id == info.GrantId && g.Revoked))
        {
            return null;
        }

        return info;
    }

    /// <summary>The grant of a user for a client, created on first consent; scopes accumulate (include_granted_scopes).</summary>
    public Grant GetOrCreateGrant(string mailbox, string clientId)
    {
        lock (sync)
        {
            var key = (mailbox.ToLowerInvariant(), clientId);
            if (!grants.TryGetValue(key, out var g) || g.Revoked)
            {
                g = new Grant(Random("g", 9), key.Item1, clientId) { Created = time.GetUtcNow() };
                grants[key] = g;
            }

            return g;
        }
    }

    public Grant? FindGrant(string mailbox, string clientId) =>
        grants.TryGetValue((mailbox.ToLowerInvariant(), clientId), out var g) && !g.Revoked ? g : null;

    public AccessTokenInfo IssueAccessToken(Grant grant, IEnumerable<string> scopes, TimeSpan? lifetime = null)
    {
        var token = Random("ya29.", 48);
        var info = new AccessTokenInfo(token, grant.Mailbox, GmailScopes.Normalize(scopes), grant.ClientId, time.GetUtcNow() + (lifetime ?? options.Value.AccessTokenLifetime), grant.Id);
        access[token] = info;
        return info;
    }

    public RefreshTokenInfo IssueRefreshToken(Grant grant, IEnumerable<string> scopes)
    {
        lock (sync)
        {
            var token = new RefreshTokenInfo(Random("1//", 48), grant, time.GetUtcNow()) { Scopes = GmailScopes.Normalize(scopes) };
            refresh[token.Token] = token;
            var live = refresh.Values.Where(r => !r.Revoked && r.Grant.Mailbox == grant.Mailbox && r.Grant.ClientId == grant.ClientId).OrderBy(r => r.Created).ToList();
            foreach (var old in live.Take(Math.Max(0, live.Count - MaxRefreshTokensPerClient)))
            {
                old.Revoked = true; // Google silently drops the oldest beyond 100 per account and client.
            }

            return token;
        }
    }

    public bool HasLiveRefreshToken(Grant grant) => refresh.Values.Any(r => !r.Revoked && r.Grant == grant);

    public RefreshTokenInfo? FindRefreshToken(string token) =>
        refresh.TryGetValue(token, out var r) && !r.Revoked && !r.Grant.Revoked ? r : null;

    public void StoreCode(AuthorizationCode code) => codes[code.Code] = code;

    /// <summary>Takes a code once; a second use fails (and Google then also revokes what it issued: we keep it simple and only refuse).</summary>
    public AuthorizationCode? TakeCode(string code)
    {
        lock (sync)
        {
            if (!codes.TryGetValue(code, out var c) || c.Used || c.Expires <= time.GetUtcNow())
            {
                return null;
            }

            c.Used = true;
            return c;
        }
    }

    /// <summary>Revokes a refresh or access token and the grant behind it. False when unknown.</summary>
    public bool Revoke(string token)
    {
        Grant? grant = null;
        if (refresh.TryGetValue(token, out var r))
        {
            grant = r.Grant;
        }
        else if (access.TryGetValue(token, out var a))
        {
            grants.TryGetValue((a.Mailbox, a.ClientId), out grant);
            if (grant is not null && grant.Id != a.GrantId)
            {
                grant = null;
                access.TryRemove(token, out _);
                return true;
            }
        }

        if (grant is null)
        {
            return false;
        }

        RevokeGrant(grant);
        return true;
    }

    private void RevokeGrant(Grant grant)
    {
        lock (sync)
        {
            grant.Revoked = true;
            foreach (var rt in refresh.Values.Where(x => x.Grant == grant))
            {
                rt.Revoked = true;
            }

            foreach (var at in access.Values.Where(x => x.GrantId == grant.Id))
            {
                access.TryRemove(at.Token, out _);
            }
        }
    }

    /// <summary>Revokes every grant and token of a mailbox (the user removed the app's access).</summary>
    public int RevokeAll(string mailbox)
    {
        var m = mailbox.ToLowerInvariant();
        var count = 0;
        foreach (var g in grants.Values.Where(g => g.Mailbox == m && !g.Revoked))
        {
            RevokeGrant(g);
            count++;
        }

        foreach (var at in access.Values.Where(x => x.Mailbox == m))
        {
            access.TryRemove(at.Token, out _);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Forced expiry: access tokens of the mailbox expire now (→ 401); with <paramref name="refreshTokens"/>
    /// its refresh tokens stop working too (→ invalid_grant, like a 7-day Testing-status token).
    /// </summary>
    public int Expire(string mailbox, bool refreshTokens)
    {
        var m = mailbox.ToLowerInvariant();
        var now = time.GetUtcNow();
        var count = 0;
        foreach (var at in access.Values.Where(x => x.Mailbox == m))
        {
            access[at.Token] = at with { Expires = now };
            count++;
        }

        if (refreshTokens)
        {
            foreach (var rt in refresh.Values.Where(x => x.Grant.Mailbox == m && !x.Revoked))
            {
                rt.Revoked = true;
                count++;
            }
        }

        return count;
    }

    public static bool VerifyPkce(string? challenge, string? method, string? verifier)
    {
        if (challenge is null)
        {
            return true;
        }

        if (verifier is null || verifier.Length is < 43 or > 128)
        {
            return false;
        }

        var expected = string.Equals(method, "plain", StringComparison.Ordinal)
            ? verifier
            : Model.Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)), pad: false);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
    }
}
