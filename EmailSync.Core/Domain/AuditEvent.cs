namespace EmailSync.Core.Domain;

/// <summary>Who did what: connected, disconnected, deleted, changed matching rules, sent a reply.</summary>
public sealed class AuditEvent : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string? UserId { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public string? Details { get; set; }
    public string? TraceId { get; set; }
    public DateTimeOffset At { get; set; }
}
