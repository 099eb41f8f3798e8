using System.ComponentModel.DataAnnotations;

namespace EmailSync.Core.Gmail;

/// <summary>
/// Where Google is. Real Google when <see cref="ClientId"/> and <see cref="ClientSecret"/> are set and
/// <see cref="UseEmbeddedEmulator"/> is off; otherwise the in-process Gmail emulator mounted at /google.
/// </summary>
public sealed class GoogleOptions : IValidatableObject
{
    public const string SectionName = "Google";

    /// <summary>Mount the Gmail emulator inside the web app and point every endpoint at it.</summary>
    public bool UseEmbeddedEmulator { get; set; } = true;

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    [Required] public string AuthorizationEndpoint { get; set; } = "https://accounts.google.com/o/oauth2/v2/auth";
    [Required] public string TokenEndpoint { get; set; } = "https://oauth2.googleapis.com/token";
    [Required] public string RevokeEndpoint { get; set; } = "https://oauth2.googleapis.com/revoke";
    [Required] public string GmailBaseUri { get; set; } = "https://gmail.googleapis.com/";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UseEmbeddedEmulator && (string.IsNullOrWhiteSpace(ClientId) || string.IsNullOrWhiteSpace(ClientSecret)))
        {
            yield return new ValidationResult(
                "Google:ClientId and Google:ClientSecret are required when Google:UseEmbeddedEmulator is false.",
                [nameof(ClientId), nameof(ClientSecret)]);
        }

        foreach (var (name, value) in new[]
        {
            (nameof(AuthorizationEndpoint), AuthorizationEndpoint),
            (nameof(TokenEndpoint), TokenEndpoint),
            (nameof(RevokeEndpoint), RevokeEndpoint),
            (nameof(GmailBaseUri), GmailBaseUri),
        })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"Google:{name} must be an absolute http(s) URL; '{value}' is not.", [name]);
            }
        }
    }
}
