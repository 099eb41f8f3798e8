using Microsoft.Extensions.Options;

namespace EmailSync.Core.Gmail;

/// <summary>
/// Where Google's OAuth and Gmail endpoints are for this process. With the embedded emulator they are
/// under the app's own address (set once the server listens); otherwise they come from
/// <see cref="GoogleOptions"/> (Google's by default).
/// </summary>
public sealed class GoogleEndpoints(IOptions<GoogleOptions> options)
{
    public const string EmulatorClientId = "emailsync-local";
    public const string EmulatorClientSecret = "emailsync-local-secret";
    public const string EmulatorPath = "/google/";

    private Uri? emulatorBase;

    public bool UsesEmulator => options.Value.UseEmbeddedEmulator;

    public string ClientId => UsesEmulator && string.IsNullOrWhiteSpace(options.Value.ClientId) ? EmulatorClientId : options.Value.ClientId!;

    public string ClientSecret => UsesEmulator && string.IsNullOrWhiteSpace(options.Value.ClientSecret) ? EmulatorClientSecret : options.Value.ClientSecret!;

    /// <summary>Called by the web host once Kestrel listens: the emulator is at this base.</summary>
    public void UseEmulatorAt(Uri baseUri) => emulatorBase = baseUri;

    public string GmailBaseUri => Resolve(options.Value.GmailBaseUri, "");

    public string TokenEndpoint => Resolve(options.Value.TokenEndpoint, "token");

    public string RevokeEndpoint => Resolve(options.Value.RevokeEndpoint, "revoke");

    /// <summary>
    /// The consent page the browser goes to. With the embedded emulator it is on the host the user
    /// browses (so the emulator's pages share the app's origin).
    /// </summary>
    public string AuthorizationEndpointFor(Uri? browserBase) =>
        UsesEmulator && browserBase is not null
            ? new Uri(browserBase, EmulatorPath.TrimStart('/') + "o/oauth2/v2/auth").ToString()
            : Resolve(options.Value.AuthorizationEndpoint, "o/oauth2/v2/auth");

    private string Resolve(string configured, string emulatorRelative)
    {
        if (!UsesEmulator)
        {
            return configured;
        }

        var root = emulatorBase ?? throw new InvalidOperationException("The embedded Gmail emulator's address is not known yet (the server has not started).");
        return new Uri(root, emulatorRelative).ToString();
    }
}
