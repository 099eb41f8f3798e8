using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Model;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace EmailSync.GmailEmulator.OAuth;

/// <summary>
/// Google's OAuth 2.0 web-server flow: the authorization endpoint with a consent page, the token endpoint
/// (authorization_code with PKCE, refresh_token) and the revoke endpoint.
/// </summary>
public sealed class OAuthEndpoints(TokenService tokens, MailboxStore store, IOptionsMonitor<GmailEmulatorOptions> options, TimeProvider time)
{
    private static readonly string[] Forwarded =
        ["client_id", "redirect_uri", "response_type", "scope", "state", "access_type", "prompt", "include_granted_scopes", "login_hint", "code_challenge", "code_challenge_method"];

    /// <summary>GET /o/oauth2/v2/auth: validates the request and shows the consent page.</summary>
    public async Task AuthorizeAsync(HttpContext ctx)
    {
        var p = ctx.Request.Query;
        var error = ValidateAuthorize(p, out var redirectUri);
        if (error is not null)
        {
            await ErrorPageAsync(ctx, error.Value.Status, error.Value.Code, error.Value.Message);
            return;
        }

        if (p["response_type"] != "code")
        {
            Redirect(ctx, redirectUri!, new() { ["error"] = "unsupported_response_type", ["state"] = p["state"].ToString() });
            return;
        }

        var scopes = GmailScopes.Normalize(p["scope"].ToString().Split(' '));
        var hint = p["login_hint"].ToString();
        if (p["prompt"] == "none")
        {
            var user = store.Find(hint) ?? (store.All.Count == 1 ? store.All.First() : null);
            var grant = user is null ? null : tokens.FindGrant(user.Address, p["client_id"]!);
            if (grant is null || !scopes.All(grant.Scopes.Contains))
            {
                Redirect(ctx, redirectUri!, new() { ["error"] = user is null ? "interaction_required" : "consent_required", ["state"] = p["state"].ToString() });
                return;
            }

            IssueCodeAndRedirect(ctx, p, user!.Address, scopes);
            return;
        }

        await ConsentPageAsync(ctx, p, scopes, hint);
    }

    /// <summary>POST /o/oauth2/v2/auth/consent: the person clicked Allow or Deny.</summary>
    public async Task ConsentAsync(HttpContext ctx)
    {
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var error = ValidateAuthorize(form, out var redirectUri);
        if (error is not null)
        {
            await ErrorPageAsync(ctx, error.Value.Status, error.Value.Code, error.Value.Message);
            return;
        }

        if (form["decision"] != "allow")
        {
            Redirect(ctx, redirectUri!, new() { ["error"] = "access_denied", ["state"] = form["state"].ToString() });
            return;
        }

        var account = store.Find(form["account"].ToString());
        if (account is null)
        {
            await ErrorPageAsync(ctx, 400, "invalid_request", "Choose an account.");
            return;
        }

        IssueCodeAndRedirect(ctx, form, account.Address, GmailScopes.Normalize(form["scope"].ToString().Split(' ')));
    }

    private void IssueCodeAndRedirect(HttpContext ctx, IEnumerable<KeyValuePair<string, StringValues>> source, string mailbox, string[] scopes)
    {
        var p = source.ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
        var clientId = p["client_id"];
        var grant = tokens.GetOrCreateGrant(mailbox, clientId);
        var granted = scopes.AsEnumerable();
        if (p.GetValueOrDefault("include_granted_scopes") == "true")
        {
            granted = granted.Concat(grant.Scopes);
        }

        var finalScopes = GmailScopes.Normalize(granted);
        var challenge = p.GetValueOrDefault("code_challenge");
        var method = string.IsNullOrEmpty(challenge) ? null : p.GetValueOrDefault("code_challenge_method") is { Length: > 0 } m ? m : "plain";
        var code = new AuthorizationCode(
            TokenService.Random("4/0A", 40), clientId, p["redirect_uri"], mailbox, finalScopes, string.IsNullOrEmpty(challenge) ? null : challenge, method,
            p.GetValueOrDefault("access_type") == "offline", p.GetValueOrDefault("prompt")?.Contains("consent", StringComparison.Ordinal) == true,
            time.GetUtcNow().AddMinutes(10));
        tokens.StoreCode(code);
        Redirect(ctx, code.RedirectUri, new()
        {
            ["state"] = p.GetValueOrDefault("state") ?? "",
            ["code"] = code.Code,
            ["scope"] = string.Join(' ', finalScopes),
            ["authuser"] = "0",
            ["prompt"] = "consent",
        });
    }

    private (int Status, string Code, string Message)? ValidateAuthorize(IEnumerable<KeyValuePair<string, StringValues>> source, out string? redirectUri)
    {
        var p = source.ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
        redirectUri = p.GetValueOrDefault("redirect_uri");
        var clientId = p.GetValueOrDefault("client_id");
        if (string.IsNullOrEmpty(clientId))
        {
            return (400, "invalid_request", "Missing required parameter: client_id");
        }

        var clients = options.CurrentValue.OAuthClients;
        var client = clients.FirstOrDefault(c => c.ClientId == clientId);
        if (clients.Count > 0 && client is null)
        {
            return (401, "invalid_client", "The OAuth client was not found.");
        }

        if (string.IsNullOrEmpty(redirectUri) || !Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
        {
            return (400, "invalid_request", "Missing required parameter: redirect_uri");
        }

        if (client is not null && client.RedirectUris.Count > 0 && !client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return (400, "redirect_uri_mismatch", $"The redirect URI in the request, {redirectUri}, does not match the ones authorized for the OAuth client.");
        }

        if (string.IsNullOrWhiteSpace(p.GetValueOrDefault("scope")))
        {
            return (400, "invalid_request", "Missing required parameter: scope");
        }

        var method = p.GetValueOrDefault("code_challenge_method");
        if (!string.IsNullOrEmpty(method) && method is not "S256" and not "plain")
        {
            return (400, "invalid_request", "Invalid code_challenge_method value.");
        }

        return null;
    }

    private static void Redirect(HttpContext ctx, string redirectUri, Dictionary<string, string?> query)
    {
        ctx.Response.Redirect(QueryHelpers.AddQueryString(redirectUri, query.Where(kv => !string.IsNullOrEmpty(kv.Value))));
    }

    private async Task ConsentPageAsync(HttpContext ctx, IQueryCollection p, string[] scopes, string hint)
    {
        var accounts = store.All;
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in - Google Accounts (emulator)</title>");
        h.Append("<style>body{font-family:Roboto,Arial,sans-serif;background:#f1f3f4;margin:0}main{max-width:460px;margin:48px auto;background:#fff;border:1px solid #dadce0;border-radius:8px;padding:32px}");
        h.Append("h1{font-size:22px;font-weight:400}ul{padding-left:20px}label{display:block;padding:8px;border:1px solid #dadce0;border-radius:4px;margin:6px 0;cursor:pointer}");
        h.Append("button{padding:10px 24px;border-radius:4px;border:1px solid #dadce0;font-size:14px;margin-right:8px;cursor:pointer}button.allow{background:#1a73e8;color:#fff;border-color:#1a73e8}.note{color:#5f6368;font-size:12px}</style></head><body><main>");
        h.Append("<p class=\"note\">Gmail emulator — local stand-in for accounts.google.com</p>");
        h.Append(CultureInfo.InvariantCulture, $"<h1>{Enc(p["client_id"])} wants to access your Google Account</h1>");
        h.Append("<form method=\"post\" action=\"").Append(Enc(ctx.Request.PathBase + "/o/oauth2/v2/auth/consent")).Append("\">");
        h.Append("<fieldset><legend>Choose an account</legend>");
        var first = true;
        foreach (var a in accounts)
        {
            var check = a.Owns(hint) || (string.IsNullOrEmpty(hint) && first) ? " checked" : "";
            h.Append(CultureInfo.InvariantCulture, $"<label><input type=\"radio\" name=\"account\" value=\"{Enc(a.Address)}\"{check}> {Enc(a.DisplayName)} &lt;{Enc(a.Address)}&gt;</label>");
            first = false;
        }

        h.Append("</fieldset><p>This will allow the app to:</p><ul id=\"scopes\">");
        foreach (var s in scopes)
        {
            h.Append(CultureInfo.InvariantCulture, $"<li data-scope=\"{Enc(s)}\">{Enc(GmailScopes.Descriptions.GetValueOrDefault(s, s))}</li>");
        }

        h.Append("</ul>");
        foreach (var key in Forwarded)
        {
            if (p.TryGetValue(key, out var v))
            {
                h.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{key}\" value=\"{Enc(v)}\">");
            }
        }

        h.Append("<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button><button class=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button></form></main></body></html>");
        ctx.Response.ContentType = "text/html; charset=utf-8";
        await ctx.Response.WriteAsync(h.ToString(), ctx.RequestAborted);
    }

    private static string Enc(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static async Task ErrorPageAsync(HttpContext ctx, int status, string code, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        await ctx.Response.WriteAsync($"<!DOCTYPE html><html><head><title>Error {status}</title></head><body><h1>Error {status}: {Enc(code)}</h1><p id=\"error\">{Enc(message)}</p></body></html>", ctx.RequestAborted);
    }

    /// <summary>POST /token.</summary>
    public async Task TokenAsync(HttpContext ctx)
    {
        if (!ctx.Request.HasFormContentType)
        {
            await OAuthErrorAsync(ctx, 400, "invalid_request", "Expected application/x-www-form-urlencoded.");
            return;
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var (clientId, clientSecret) = ClientCredentials(ctx, form);
        if (string.IsNullOrEmpty(clientId))
        {
            await OAuthErrorAsync(ctx, 400, "invalid_request", "Could not determine client ID from request.");
            return;
        }

        var clients = options.CurrentValue.OAuthClients;
        if (clients.Count > 0)
        {
            var c = clients.FirstOrDefault(x => x.ClientId == clientId);
            if (c is null || (c.ClientSecret is not null && c.ClientSecret != clientSecret))
            {
                await OAuthErrorAsync(ctx, 401, "invalid_client", "Unauthorized");
                return;
            }
        }

        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                await ExchangeCodeAsync(ctx, form, clientId);
                break;
            case "refresh_token":
                await RefreshAsync(ctx, form, clientId);
                break;
            case "":
                await OAuthErrorAsync(ctx, 400, "invalid_request", "Missing required parameter: grant_type");
                break;
            default:
                await OAuthErrorAsync(ctx, 400, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
                break;
        }
    }

    private async Task ExchangeCodeAsync(HttpContext ctx, IFormCollection form, string clientId)
    {
        var codeText = form["code"].ToString();
        if (codeText.Length == 0)
        {
            await OAuthErrorAsync(ctx, 400, "invalid_request", "Missing required parameter: code");
            return;
        }

        var code = tokens.TakeCode(codeText);
        if (code is null)
        {
            await OAuthErrorAsync(ctx, 400, "invalid_grant", "Malformed auth code.");
            return;
        }

        if (code.ClientId != clientId)
        {
            await OAuthErrorAsync(ctx, 400, "invalid_grant", "The authorization code was issued to another client.");
            return;
        }

        if (form["redirect_uri"] != code.RedirectUri)
        {
            await OAuthErrorAsync(ctx, 400, "redirect_uri_mismatch", "Bad Request");
            return;
        }

        var verifier = form["code_verifier"].ToString();
        if (!TokenService.VerifyPkce(code.CodeChallenge, code.CodeChallengeMethod, verifier.Length == 0 ? null : verifier))
        {
            await OAuthErrorAsync(ctx, 400, "invalid_grant", verifier.Length == 0 ? "Missing code verifier." : "Invalid code verifier.");
            return;
        }

        var grant = tokens.GetOrCreateGrant(code.Mailbox, clientId);
        foreach (var s in code.Scopes)
        {
            grant.Scopes.Add(s);
        }

        var at = tokens.IssueAccessToken(grant, code.Scopes);
        string? refreshToken = null;
        if (code.Offline && (code.ForceConsent || !tokens.HasLiveRefreshToken(grant)))
        {
            refreshToken = tokens.IssueRefreshToken(grant, code.Scopes).Token;
        }

        await TokenResponseAsync(ctx, at, refreshToken);
    }

    private async Task RefreshAsync(HttpContext ctx, IFormCollection form, string clientId)
    {
        var rt = tokens.FindRefreshToken(form["refresh_token"].ToString());
        if (rt is null)
        {
            await OAuthErrorAsync(ctx, 400, "invalid_grant", "Token has been expired or revoked.");
            return;
        }

        if (rt.Grant.ClientId != clientId)
        {
            await OAuthErrorAsync(ctx, 400, "unauthorized_client", "Unauthorized");
            return;
        }

        var scopes = rt.Scopes.Concat(rt.Grant.Scopes).Distinct().ToArray();
        var requested = form["scope"].ToString();
        if (requested.Length > 0)
        {
            var narrowed = GmailScopes.Normalize(requested.Split(' '));
            if (!narrowed.All(scopes.Contains))
            {
                await OAuthErrorAsync(ctx, 400, "invalid_scope", "Some requested scopes were invalid.");
                return;
            }

            scopes = narrowed;
        }

        await TokenResponseAsync(ctx, tokens.IssueAccessToken(rt.Grant, scopes), null);
    }

    private async Task TokenResponseAsync(HttpContext ctx, AccessTokenInfo at, string? refreshToken)
    {
        var body = new JsonObject
        {
            ["access_token"] = at.Token,
            ["expires_in"] = (int)Math.Max(0, (at.Expires - time.GetUtcNow()).TotalSeconds),
            ["scope"] = string.Join(' ', at.Scopes),
            ["token_type"] = "Bearer",
        };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        if (at.Scopes.Contains("openid"))
        {
            body["id_token"] = UnsignedIdToken(at);
        }

        ctx.Response.Headers.CacheControl = "no-cache, no-store, max-age=0, must-revalidate";
        await JsonAsync(ctx, 200, body);
    }

    /// <summary>An id_token with the usual claims. It is NOT signed (alg "none"): the emulator is no identity provider.</summary>
    private string UnsignedIdToken(AccessTokenInfo at)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url.Encode(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}"), pad: false);
        var payload = new JsonObject
        {
            ["iss"] = "https://accounts.google.com",
            ["azp"] = at.ClientId,
            ["aud"] = at.ClientId,
            ["sub"] = SubjectOf(at.Mailbox),
            ["email"] = at.Mailbox,
            ["email_verified"] = true,
            ["iat"] = now,
            ["exp"] = at.Expires.ToUnixTimeSeconds(),
        };
        return $"{header}.{Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()), pad: false)}.";
    }

    private static string SubjectOf(string mailbox) =>
        (100000000000000000000m + (uint)Corpus.CorpusGenerator.HashCode32(7, mailbox)).ToString(CultureInfo.InvariantCulture);

    /// <summary>POST /revoke (token in the form or the query).</summary>
    public async Task RevokeAsync(HttpContext ctx)
    {
        var token = ctx.Request.Query["token"].ToString();
        if (token.Length == 0 && ctx.Request.HasFormContentType)
        {
            token = (await ctx.Request.ReadFormAsync(ctx.RequestAborted))["token"].ToString();
        }

        if (token.Length == 0 || !tokens.Revoke(token))
        {
            await OAuthErrorAsync(ctx, 400, "invalid_token", "Token expired or revoked");
            return;
        }

        await JsonAsync(ctx, 200, new JsonObject());
    }

    /// <summary>GET /oauth2/v3/tokeninfo?access_token=...</summary>
    public async Task TokenInfoAsync(HttpContext ctx)
    {
        var info = tokens.Validate(ctx.Request.Query["access_token"].ToString());
        if (info is null)
        {
            await OAuthErrorAsync(ctx, 400, "invalid_token", "Invalid Value");
            return;
        }

        await JsonAsync(ctx, 200, new JsonObject
        {
            ["azp"] = info.ClientId,
            ["aud"] = info.ClientId,
            ["sub"] = SubjectOf(info.Mailbox),
            ["scope"] = string.Join(' ', info.Scopes),
            ["exp"] = info.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["expires_in"] = ((int)(info.Expires - time.GetUtcNow()).TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["email"] = info.Mailbox,
            ["email_verified"] = "true",
            ["access_type"] = "offline",
        });
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpContext ctx, IFormCollection form)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
                var colon = decoded.IndexOf(':');
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                // fall back to the form
            }
        }

        return (form["client_id"].ToString() is { Length: > 0 } id ? id : null, form["client_secret"].ToString());
    }

    private static Task OAuthErrorAsync(HttpContext ctx, int status, string error, string description) =>
        JsonAsync(ctx, status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static async Task JsonAsync(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await ctx.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ctx.RequestAborted);
    }
}
