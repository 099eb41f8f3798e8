using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EmailSync.Web.Auth;

/// <summary>Form posts that change the sign-in cookie: sign out, switch organization.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account");

        account.MapPost("/logout", async (SignInManager<AppUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("~/account/login");
        }).RequireAuthorization();

        account.MapPost("/organization", async (
            [FromForm] Guid organizationId,
            [FromForm] string? returnUrl,
            HttpContext http,
            UserManager<AppUser> users,
            SignInManager<AppUser> signIn,
            OrganizationService organizations) =>
        {
            var user = await users.GetUserAsync(http.User);
            if (user is null)
            {
                return Results.Challenge();
            }

            if (await organizations.GetRoleAsync(user.Id, organizationId) is null)
            {
                return Results.Forbid();
            }

            user.CurrentOrganizationId = organizationId;
            await users.UpdateAsync(user);
            await signIn.RefreshSignInAsync(user);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "~/");
        }).RequireAuthorization();
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
