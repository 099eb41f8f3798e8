namespace EmailSync.Core.Domain;

/// <summary>A row that belongs to one organization; the DbContext scopes queries to it.</summary>
public interface ITenantOwned
{
    Guid OrganizationId { get; set; }
}

/// <summary>A row whose created/updated times the audit interceptor stamps.</summary>
public interface IAuditable
{
    DateTimeOffset CreatedAt { get; set; }
    DateTimeOffset UpdatedAt { get; set; }
}
