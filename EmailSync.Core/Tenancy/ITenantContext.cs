namespace EmailSync.Core.Tenancy;

/// <summary>
/// Who is asking: the signed-in user and the organization they work in now. Scoped: per HTTP request,
/// or per Blazor circuit. Every DbContext made for this scope filters rows to <see cref="OrganizationId"/>.
/// </summary>
public interface ITenantContext
{
    Guid? OrganizationId { get; }
    string? UserId { get; }
    bool IsAdmin { get; }
}

/// <summary>The settable implementation the web host fills from the authenticated user.</summary>
public sealed class TenantContext : ITenantContext
{
    public Guid? OrganizationId { get; private set; }
    public string? UserId { get; private set; }
    public bool IsAdmin { get; private set; }

    public void Set(string? userId, Guid? organizationId, bool isAdmin)
    {
        UserId = userId;
        OrganizationId = organizationId;
        IsAdmin = isAdmin;
    }
}
