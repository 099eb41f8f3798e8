namespace EmailSync.Core.Domain;

public sealed class Membership : ITenantOwned, IAuditable
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string UserId { get; set; }
    public OrganizationRole Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Organization? Organization { get; set; }
    public AppUser? User { get; set; }
}

public enum OrganizationRole
{
    Csm = 0,
    Admin = 1,
}
