namespace EmailSync.Core.Domain;

/// <summary>A shared address of the team (collections@, success@) whose mail is imported once verified.</summary>
public sealed class Alias : ITenantOwned, IAuditable
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string Address { get; set; }
    public bool IsVerified { get; set; }
    public string? VerificationCodeHash { get; set; }
    public DateTimeOffset? VerificationSentAt { get; set; }
    public bool SyncEnabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
