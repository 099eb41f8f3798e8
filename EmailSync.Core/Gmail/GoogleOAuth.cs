using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Requests;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Util.Store;
using Microsoft.AspNetCore.DataProtection;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace EmailSync.Core.Gmail;

public static class GmailScopes
{
    public const string Readonly = "https://www.googleapis.com/auth/gmail.readonly";
    public const string Send = "https://www.googleapis.com/auth/gmail.send";

    public static bool Has(string grantedScopes, string scope) =>
        grantedScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}

/// <summary>The start of a consent: where to send the browser, and the PKCE verifier to keep.</summary>
public sealed record AuthorizationStart(Uri RedirectTo, string CodeVerifier);

/// <summary>
/// Google's OAuth 2.0 web-server flow on Google.Apis.Auth: authorization URL with state, PKCE (S256),
/// offline access and incremental scopes; code exchange; refresh; revocation. Endpoints come from
/// <see cref="GoogleEndpoints"/>, so the same code runs against Google and the emulator.
/// </summary>
public sealed class GoogleOAuthService(GoogleEndpoints endpoints, AccessTokenCache tokens, IHttpClientFactory httpClients)
{
    public AuthorizationStart Start(string redirectUri, IEnumerable<string> scopes, string state, string? loginHint, Uri? browserBase, bool forceConsent)
    {
        var verifier = Base64Url.Encode(RandomNumberGenerator.GetBytes(48));
        var request = new GoogleAuthorizationCodeRequestUrl(new Uri(endpoints.AuthorizationEndpointFor(browserBase)))
        {
            ClientId = endpoints.ClientId,
            RedirectUri = redirectUri,
            Scope = string.Join(' ', scopes),
            State = state,
            AccessType = "offline",
            IncludeGrantedScopes = "true",
            LoginHint = loginHint,
            Prompt = forceConsent ? "consent" : null,
            CodeChallenge = Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            CodeChallengeMethod = "S256",
        };
        return new AuthorizationStart(request.Build(), verifier);
    }

    public Task<TokenResponse> ExchangeAsync(string code, string codeVerifier, string redirectUri, CancellationToken ct) =>
        CreateFlow().ExchangeWithVerifierAsync(code, codeVerifier, redirectUri, ct);

    /// <summary>Revokes a refresh (or access) token at Google; true when Google confirmed it.</summary>
    public async Task<bool> RevokeAsync(string token, CancellationToken ct)
    {
        using var client = httpClients.CreateClient("google-oauth");
        using var response = await client.PostAsync(endpoints.RevokeEndpoint, new FormUrlEncodedContent([new("token", token)]), ct);
        // 400 means already revoked or expired: nothing is left to revoke either way.
        return response.IsSuccessStatusCode;
    }

    /// <summary>A credential that refreshes its access token from <paramref name="refreshToken"/> as needed.</summary>
    public UserCredential CredentialFor(long connectionId, string refreshToken)
    {
        var key = connectionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cached = tokens.Get(key);
        var token = cached is { RefreshToken: var r } && r == refreshToken ? cached : new TokenResponse { RefreshToken = refreshToken };
        return new UserCredential(CreateFlow(), key, token);
    }

    private EndpointFlow CreateFlow() =>
        new(new AuthorizationCodeFlow.Initializer(endpoints.AuthorizationEndpointFor(null), endpoints.TokenEndpoint)
        {
            ClientSecrets = new ClientSecrets { ClientId = endpoints.ClientId, ClientSecret = endpoints.ClientSecret },
            DataStore = tokens,
        });

    /// <summary>
    /// Google's own flow class hard-codes Google's endpoints; the generic flow takes ours, and this
    /// subclass adds the PKCE code exchange to it.
    /// </summary>
    private sealed class EndpointFlow(AuthorizationCodeFlow.Initializer initializer) : AuthorizationCodeFlow(initializer)
    {
        public Task<TokenResponse> ExchangeWithVerifierAsync(string code, string verifier, string redirectUri, CancellationToken ct) =>
            FetchTokenAsync(
                "exchange-" + Guid.NewGuid().ToString("N"),
                new AuthorizationCodeTokenRequest
                {
                    Code = code,
                    RedirectUri = redirectUri,
                    CodeVerifier = verifier,
                    ClientId = ClientSecrets.ClientId,
                    ClientSecret = ClientSecrets.ClientSecret,
                },
                ct);
    }
}

/// <summary>
/// Access tokens live only in memory (they expire within the hour); refresh tokens live encrypted in
/// the database. Google.Apis stores refreshed tokens here through <see cref="IDataStore"/>.
/// </summary>
public sealed class AccessTokenCache : IDataStore
{
    private readonly ConcurrentDictionary<string, TokenResponse> store = new();

    public TokenResponse? Get(string key) => store.TryGetValue(key, out var token) ? token : null;

    public Task StoreAsync<T>(string key, T value)
    {
        if (value is TokenResponse token)
        {
            store[key] = token;
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync<T>(string key)
    {
        store.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task<T> GetAsync<T>(string key) => Task.FromResult(store.TryGetValue(key, out var token) && token is T t ? t : default!);

    public Task ClearAsync()
    {
        store.Clear();
        return Task.CompletedTask;
    }

    public void Forget(long connectionId) => store.TryRemove(connectionId.ToString(System.Globalization.CultureInfo.InvariantCulture), out _);
}

/// <summary>Refresh tokens at rest: ASP.NET Core Data Protection with a persisted key ring.</summary>
public sealed class RefreshTokenProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("EmailSync.Gmail.RefreshToken.v1");

    public string Protect(string refreshToken) => protector.Protect(refreshToken);

    public string Unprotect(string encrypted) => protector.Unprotect(encrypted);
}
