using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmailSync.GmailEmulator;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Requests;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.AspNetCore.WebUtilities;

namespace EmailSync.Tests.GmailEmulator;

/// <summary>An emulator with one registered OAuth client (so secrets and redirect URIs are checked).</summary>
public sealed class OAuthFixture : EmulatorFixture
{
    public const string ClientId = "emailsync-web.apps.example";
    public const string Secret = "s3cret";
    public const string Redirect = "http://localhost:5000/oauth/google/callback";

    protected override void Configure(GmailEmulatorOptions o)
    {
        base.Configure(o);
        o.MessagesPerMailbox = 20;
        o.OAuthClients = [new OAuthClientRegistration { ClientId = ClientId, ClientSecret = Secret, RedirectUris = [Redirect] }];
    }
}

public sealed partial class OAuthTests(OAuthFixture fx) : IClassFixture<OAuthFixture>
{
    private readonly HttpClient browser = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fx.Root };

    private static string B64(byte[] b) => Convert.ToBase64String(b).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = B64(RandomNumberGenerator.GetBytes(48));
        return (verifier, B64(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string AuthorizeUrl(string challenge, string state = "st-123", string scope = EmulatorFixture.Readonly, string redirect = OAuthFixture.Redirect, string extra = "") =>
        $"o/oauth2/v2/auth?client_id={OAuthFixture.ClientId}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
        $"&state={Uri.EscapeDataString(state)}&access_type=offline&prompt=consent&code_challenge={challenge}&code_challenge_method=S256&login_hint={EmulatorFixture.Alex}{extra}";

    /// <summary>Opens the consent page like a browser, picks the account and clicks Allow or Deny; returns the redirect.</summary>
    private async Task<Uri> ConsentAsync(string authorizeUrl, string decision = "allow", string? account = null)
    {
        var page = await browser.GetAsync(authorizeUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value);
        Assert.StartsWith(fx.Root.AbsolutePath.TrimEnd('/'), action, StringComparison.Ordinal); // honours the /google prefix
        var fields = HiddenInput().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Contains(EmulatorFixture.Alex, html, StringComparison.Ordinal);
        fields["account"] = account ?? EmulatorFixture.Alex;
        fields["decision"] = decision;
        var post = await browser.PostAsync(new Uri(fx.Root, action), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        return post.Headers.Location!;
    }

    private async Task<(int Status, JsonElement Json)> TokenAsync(params (string Key, string Value)[] form)
    {
        var response = await browser.PostAsync("token", new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<(string Code, string State)> CodeAsync(string challenge, string state = "st-123")
    {
        var location = await ConsentAsync(AuthorizeUrl(challenge, state));
        Assert.StartsWith(OAuthFixture.Redirect, location.ToString(), StringComparison.Ordinal);
        var q = QueryHelpers.ParseQuery(location.Query);
        return (q["code"]!, q["state"]!);
    }

    [Fact]
    public async Task CodeFlow_WithPkce_IssuesWorkingTokens_AndRefreshes()
    {
        var (verifier, challenge) = NewPkce();
        var (code, state) = await CodeAsync(challenge, "state with spaces & symbols");
        Assert.Equal("state with spaces & symbols", state);
        var consent = await (await browser.GetAsync(AuthorizeUrl(challenge))).Content.ReadAsStringAsync();
        Assert.Contains("View your email messages and settings", consent, StringComparison.Ordinal);

        var (status, json) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect), ("code_verifier", verifier));
        Assert.Equal(200, status);
        Assert.Equal("Bearer", json.GetProperty("token_type").GetString());
        Assert.InRange(json.GetProperty("expires_in").GetInt32(), 3590, 3600);
        Assert.Equal(EmulatorFixture.Readonly, json.GetProperty("scope").GetString());
        var access = json.GetProperty("access_token").GetString()!;
        var refresh = json.GetProperty("refresh_token").GetString()!;
        Assert.Equal(EmulatorFixture.Alex, (await fx.GetOkAsync(access, "gmail/v1/users/me/profile")).GetProperty("emailAddress").GetString());

        var (rs, rj) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthFixture.ClientId), ("client_secret", OAuthFixture.Secret));
        Assert.Equal(200, rs);
        Assert.False(rj.TryGetProperty("refresh_token", out _));
        var second = rj.GetProperty("access_token").GetString()!;
        Assert.NotEqual(access, second);
        Assert.Equal(200, (await fx.GetAsync(second, "gmail/v1/users/me/profile")).Status);

        // a code works once
        var (again, againJson) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect), ("code_verifier", verifier));
        Assert.Equal(400, again);
        Assert.Equal("invalid_grant", againJson.GetProperty("error").GetString());
    }

    [Fact]
    public async Task WrongOrMissingVerifier_IsInvalidGrant()
    {
        var (_, challenge) = NewPkce();
        var (code, _) = await CodeAsync(challenge);
        var (status, json) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect), ("code_verifier", NewPkce().Verifier));
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", json.GetProperty("error").GetString());

        var (code2, _) = await CodeAsync(challenge);
        var (status2, json2) = await TokenAsync(("grant_type", "authorization_code"), ("code", code2), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect));
        Assert.Equal(400, status2);
        Assert.Equal("invalid_grant", json2.GetProperty("error").GetString());
    }

    [Fact]
    public async Task WrongRedirectOrSecret_IsRefused()
    {
        var (verifier, challenge) = NewPkce();
        var page = await browser.GetAsync(AuthorizeUrl(challenge, redirect: "http://evil.example/cb"));
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("redirect_uri_mismatch", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (code, _) = await CodeAsync(challenge);
        var (status, json) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", OAuthFixture.ClientId),
            ("client_secret", "wrong"), ("redirect_uri", OAuthFixture.Redirect), ("code_verifier", verifier));
        Assert.Equal(401, status);
        Assert.Equal("invalid_client", json.GetProperty("error").GetString());

        var (code2, _) = await CodeAsync(challenge);
        var (status2, _) = await TokenAsync(("grant_type", "authorization_code"), ("code", code2), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect + "/other"), ("code_verifier", verifier));
        Assert.Equal(400, status2);
    }

    [Fact]
    public async Task Deny_RedirectsWithAccessDenied_AndEchoesState()
    {
        var (_, challenge) = NewPkce();
        var location = await ConsentAsync(AuthorizeUrl(challenge, "csrf-42"), decision: "deny");
        var q = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("access_denied", q["error"]);
        Assert.Equal("csrf-42", q["state"]);
        Assert.False(q.ContainsKey("code"));
    }

    [Fact]
    public async Task Revoke_MakesRefreshInvalidGrant_AndAccessTokenUnauthorized()
    {
        var (verifier, challenge) = NewPkce();
        var (code, _) = await CodeAsync(challenge);
        var (_, json) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect), ("code_verifier", verifier));
        var access = json.GetProperty("access_token").GetString()!;
        var refresh = json.GetProperty("refresh_token").GetString()!;

        var revoke = await browser.PostAsync("revoke", new FormUrlEncodedContent([new("token", refresh)]));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var (status, err) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthFixture.ClientId), ("client_secret", OAuthFixture.Secret));
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", err.GetProperty("error").GetString());
        Assert.Equal(401, (await fx.GetAsync(access, "gmail/v1/users/me/profile")).Status);

        var unknown = await browser.PostAsync("revoke", new FormUrlEncodedContent([new("token", "nope")]));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task ForcedExpiry_AccessTokens401_ThenRefreshTokensInvalidGrant()
    {
        var box = await fx.NewMailboxAsync("expiry");
        var issued = await fx.Control.IssueAccessTokenAsync(box, [EmulatorFixture.Readonly], OAuthFixture.ClientId, includeRefreshToken: true);
        Assert.Equal(200, (await fx.GetAsync(issued.AccessToken, "gmail/v1/users/me/profile")).Status);

        await fx.Control.ExpireTokensAsync(box);
        Assert.Equal(401, (await fx.GetAsync(issued.AccessToken, "gmail/v1/users/me/profile")).Status);
        var (ok, refreshed) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", issued.RefreshToken!), ("client_id", OAuthFixture.ClientId), ("client_secret", OAuthFixture.Secret));
        Assert.Equal(200, ok);
        Assert.Equal(200, (await fx.GetAsync(refreshed.GetProperty("access_token").GetString()!, "gmail/v1/users/me/profile")).Status);

        await fx.Control.ExpireTokensAsync(box, refreshTokens: true);
        var (status, err) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", issued.RefreshToken!), ("client_id", OAuthFixture.ClientId), ("client_secret", OAuthFixture.Secret));
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", err.GetProperty("error").GetString());
    }

    [Fact]
    public async Task IncludeGrantedScopes_AddsToEarlierGrant()
    {
        var (verifier, challenge) = NewPkce();
        var (code, _) = await CodeAsync(challenge);
        await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect), ("code_verifier", verifier));

        var location = await ConsentAsync(AuthorizeUrl(challenge, scope: EmulatorFixture.Send, extra: "&include_granted_scopes=true"));
        var q = QueryHelpers.ParseQuery(location.Query);
        var (status, json) = await TokenAsync(("grant_type", "authorization_code"), ("code", q["code"]!), ("client_id", OAuthFixture.ClientId),
            ("client_secret", OAuthFixture.Secret), ("redirect_uri", OAuthFixture.Redirect), ("code_verifier", verifier));
        Assert.Equal(200, status);
        var scopes = json.GetProperty("scope").GetString()!.Split(' ');
        Assert.Contains(EmulatorFixture.Readonly, scopes);
        Assert.Contains(EmulatorFixture.Send, scopes);
    }

    /// <summary>
    /// Google.Apis.Auth's own request types against the emulator: the authorization URL, the code exchange
    /// with a PKCE verifier (PkceGoogleAuthorizationCodeFlow has Google's URLs built in, so the generic
    /// AuthorizationCodeFlow and token requests are what an app pointed elsewhere uses), refresh, revoke.
    /// </summary>
    [Fact]
    public async Task GoogleApisAuth_ExchangesWithPkce_RefreshesAndSeesRevocation()
    {
        var tokenUrl = new Uri(fx.Root, "token").ToString();
        var flow = new AuthorizationCodeFlow(new AuthorizationCodeFlow.Initializer(new Uri(fx.Root, "o/oauth2/v2/auth").ToString(), tokenUrl)
        {
            ClientSecrets = new ClientSecrets { ClientId = OAuthFixture.ClientId, ClientSecret = OAuthFixture.Secret },
            Scopes = [EmulatorFixture.Readonly],
        });
        var (verifier, challenge) = NewPkce();
        var request = flow.CreateAuthorizationCodeRequest(OAuthFixture.Redirect);
        request.State = "from-google-apis";
        var url = request.Build() + $"&code_challenge={challenge}&code_challenge_method=S256&access_type=offline&login_hint={EmulatorFixture.Alex}";
        var location = await ConsentAsync(url[fx.Root.ToString().Length..]);
        var q = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("from-google-apis", q["state"]);

        using var http = new HttpClient();
        var exchange = new AuthorizationCodeTokenRequest
        {
            Code = q["code"]!,
            RedirectUri = OAuthFixture.Redirect,
            ClientId = OAuthFixture.ClientId,
            ClientSecret = OAuthFixture.Secret,
            CodeVerifier = verifier,
        };
        var token = await exchange.ExecuteAsync(http, tokenUrl, CancellationToken.None, Google.Apis.Util.SystemClock.Default);
        Assert.False(string.IsNullOrEmpty(token.AccessToken));
        Assert.False(string.IsNullOrEmpty(token.RefreshToken));
        var refreshed = await flow.RefreshTokenAsync("alex", token.RefreshToken, CancellationToken.None);
        Assert.Equal(200, (await fx.GetAsync(refreshed.AccessToken, "gmail/v1/users/me/profile")).Status);

        await fx.Control.RevokeAllTokensAsync(EmulatorFixture.Alex);
        var ex = await Assert.ThrowsAsync<TokenResponseException>(() => flow.RefreshTokenAsync("alex", token.RefreshToken, CancellationToken.None));
        Assert.Equal("invalid_grant", ex.Error.Error);
    }

    [Fact]
    public async Task PromptNone_RedirectsWithoutPage_OnlyForAnExistingGrant()
    {
        var box = await fx.NewMailboxAsync("silent");
        var (_, challenge) = NewPkce();
        var url = $"o/oauth2/v2/auth?client_id={OAuthFixture.ClientId}&redirect_uri={Uri.EscapeDataString(OAuthFixture.Redirect)}&response_type=code" +
            $"&scope={Uri.EscapeDataString(EmulatorFixture.Readonly)}&state=s1&prompt=none&login_hint={box}&code_challenge={challenge}&code_challenge_method=S256";
        var refused = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("consent_required", QueryHelpers.ParseQuery(refused.Headers.Location!.Query)["error"]);

        await fx.Control.IssueAccessTokenAsync(box, [EmulatorFixture.Readonly], OAuthFixture.ClientId);
        var granted = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        var q = QueryHelpers.ParseQuery(granted.Headers.Location!.Query);
        Assert.False(string.IsNullOrEmpty(q["code"]));
        Assert.Equal("s1", q["state"]);
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
