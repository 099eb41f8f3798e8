using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Data;

/// <summary>
/// Makes short-lived contexts (one per unit of work, as Blazor Server circuits live long).
/// <see cref="CreateDbContextAsync"/> sees only the current user's organization.
/// </summary>
public interface IEmailSyncDbContextFactory : ISystemDbContextFactory
{
    /// <summary>A context scoped to the current tenant (the signed-in user's organization).</summary>
    Task<EmailSyncDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Contexts for work that names its organization explicitly (or spans all): usable from singletons
/// such as schedulers, which have no signed-in user.
/// </summary>
public interface ISystemDbContextFactory
{
    /// <summary>A context scoped to one organization, for background work done on its behalf.</summary>
    EmailSyncDbContext CreateForOrganization(Guid organizationId);

    /// <summary>A context that sees every organization: migrations, schedulers, sign-in look-ups.</summary>
    EmailSyncDbContext CreateSystem();
}

internal sealed class SystemDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : ISystemDbContextFactory
    where TContext : EmailSyncDbContext
{
    public EmailSyncDbContext CreateForOrganization(Guid organizationId)
    {
        var db = inner.CreateDbContext();
        db.TenantId = organizationId;
        return db;
    }

    public EmailSyncDbContext CreateSystem()
    {
        var db = inner.CreateDbContext();
        db.AllTenants = true;
        return db;
    }
}

internal sealed class EmailSyncDbContextFactory<TContext>(IDbContextFactory<TContext> inner, ISystemDbContextFactory system, ITenantContext tenant)
    : IEmailSyncDbContextFactory
    where TContext : EmailSyncDbContext
{
    public async Task<EmailSyncDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        var db = await inner.CreateDbContextAsync(cancellationToken);
        db.TenantId = tenant.OrganizationId;
        return db;
    }

    public EmailSyncDbContext CreateForOrganization(Guid organizationId) => system.CreateForOrganization(organizationId);

    public EmailSyncDbContext CreateSystem() => system.CreateSystem();
}
