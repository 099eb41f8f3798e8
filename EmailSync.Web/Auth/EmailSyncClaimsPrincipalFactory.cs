using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using System.Security.Claims;

namespace EmailSync.Web.Auth;

/// <summary>
/// Puts the user's current organization and role in that organization into the cookie. When the
/// remembered organization is gone (membership removed), the one joined first is chosen.
/// </summary>
internal sealed class EmailSyncClaimsPrincipalFactory(
    UserManager<AppUser> users,
    IOptions<IdentityOptions> options,
    OrganizationService organizations)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(EmailSyncClaims.DisplayName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? user.UserName ?? "" : user.DisplayName));

        var memberships = await organizations.ListForUserAsync(user.Id);
        var current = memberships.FirstOrDefault(m => m.Id == user.CurrentOrganizationId) ?? memberships.MinBy(m => m.JoinedAt);
        if (current is not null)
        {
            if (user.CurrentOrganizationId != current.Id)
            {
                user.CurrentOrganizationId = current.Id;
                await UserManager.UpdateAsync(user);
            }

            identity.AddClaim(new Claim(EmailSyncClaims.OrganizationId, current.Id.ToString()));
            identity.AddClaim(new Claim(EmailSyncClaims.OrganizationName, current.Name));
            identity.AddClaim(new Claim(EmailSyncClaims.Role, current.Role.ToString()));
        }

        return identity;
    }
}
