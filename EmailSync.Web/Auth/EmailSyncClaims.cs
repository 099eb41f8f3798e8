namespace EmailSync.Web.Auth;

/// <summary>Claims and policies for the signed-in user's current organization.</summary>
public static class EmailSyncClaims
{
    public const string OrganizationId = "emailsync:org";
    public const string OrganizationName = "emailsync:org_name";
    public const string Role = "emailsync:role";
    public const string DisplayName = "emailsync:name";

    /// <summary>Admins of the current organization (settings pages).</summary>
    public const string AdminPolicy = "Admin";

    /// <summary>Any member of the current organization.</summary>
    public const string MemberPolicy = "Member";
}
