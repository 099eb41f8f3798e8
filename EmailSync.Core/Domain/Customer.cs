namespace EmailSync.Core.Domain;

public sealed class Customer : ITenantOwned, IAuditable
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string Name { get; set; }

    /// <summary>Created by "Import all emails" for unmatched mail; an admin confirms, renames or merges it.</summary>
    public bool IsTemporary { get; set; }
    public int? HealthScore { get; set; }
    public int? EngagementScore { get; set; }
    public int? SentimentScore { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<CustomerDomain> Domains { get; set; } = [];
    public List<Contact> Contacts { get; set; } = [];
}

public sealed class CustomerDomain : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public long CustomerId { get; set; }
    public required string Domain { get; set; }
}

public sealed class Contact : ITenantOwned, IAuditable
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public long CustomerId { get; set; }
    public required string Email { get; set; }
    public string? Name { get; set; }
    public bool IsChampion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Customer? Customer { get; set; }
}
