using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EmailSync.Core.Data;

/// <summary>
/// On save: stamps created/updated times, stamps new tenant rows with the context's organization, and
/// refuses any write to another organization's rows (the query filter guards reads; this guards writes).
/// </summary>
internal sealed class TenantAndAuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Apply(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Apply(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Apply(DbContext? context)
    {
        if (context is not EmailSyncDbContext db)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.Entity is ITenantOwned owned && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                if (entry.State == EntityState.Added && owned.OrganizationId == Guid.Empty && db.TenantId is { } tenant)
                {
                    owned.OrganizationId = tenant;
                }

                if (!db.AllTenants && owned.OrganizationId != db.TenantId)
                {
                    throw new CrossTenantWriteException(entry.Metadata.ClrType.Name);
                }
            }

            if (entry.Entity is IAuditable audited)
            {
                if (entry.State == EntityState.Added)
                {
                    audited.CreatedAt = now;
                    audited.UpdatedAt = now;
                }
                else if (entry.State == EntityState.Modified)
                {
                    audited.UpdatedAt = now;
                }
            }
        }
    }
}

/// <summary>Thrown when code tries to write a row of an organization other than the context's.</summary>
public sealed class CrossTenantWriteException(string entity)
    : InvalidOperationException($"Refused to write a {entity} that belongs to another organization.");
