using Microsoft.AspNetCore.Identity;

namespace EmailSync.Core.Domain;

/// <summary>A person who signs in. Roles are per organization, on <see cref="Membership"/>.</summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>The organization the user is working in now (switchable in the app bar).</summary>
    public Guid? CurrentOrganizationId { get; set; }

    /// <summary>IANA time zone used to show dates; UTC when unset.</summary>
    public string? TimeZoneId { get; set; }
}
