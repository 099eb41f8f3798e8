using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using System.Diagnostics;

namespace EmailSync.Core.Organizations;

/// <summary>Writes who-did-what events for the current organization.</summary>
public sealed class AuditLog(IEmailSyncDbContextFactory factory, ITenantContext tenant, TimeProvider clock)
{
    public async Task WriteAsync(string action, string? target = null, string? details = null, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.AuditEvents.Add(Create(action, target, details));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>An event to add inside a caller's own unit of work, so it commits with the change.</summary>
    public AuditEvent Create(string action, string? target = null, string? details = null) => new()
    {
        OrganizationId = tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected."),
        UserId = tenant.UserId,
        Action = action,
        Target = target,
        Details = details,
        TraceId = Activity.Current?.TraceId.ToString(),
        At = clock.GetUtcNow(),
    };
}
