using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Organizations;

public sealed record OrganizationSummary(Guid Id, string Name, OrganizationRole Role, DateTimeOffset JoinedAt);

/// <summary>Organizations the signed-in user belongs to, and the first-run set-up.</summary>
public sealed class OrganizationService(IEmailSyncDbContextFactory factory, ITenantContext tenant, TimeProvider clock)
{
    /// <summary>Every organization <paramref name="userId"/> belongs to, for the switcher.</summary>
    public async Task<IReadOnlyList<OrganizationSummary>> ListForUserAsync(string userId, CancellationToken ct = default)
    {
        // Memberships are tenant rows; a user's own memberships across organizations are theirs to see.
        await using var db = factory.CreateSystem();
        return await db.Memberships
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.Organization!.Name)
            .Select(m => new OrganizationSummary(m.OrganizationId, m.Organization!.Name, m.Role, m.CreatedAt))
            .ToListAsync(ct);
    }

    /// <summary>The role <paramref name="userId"/> has in <paramref name="organizationId"/>, or null.</summary>
    public async Task<OrganizationRole?> GetRoleAsync(string userId, Guid organizationId, CancellationToken ct = default)
    {
        await using var db = factory.CreateSystem();
        return await db.Memberships
            .Where(m => m.UserId == userId && m.OrganizationId == organizationId)
            .Select(m => (OrganizationRole?)m.Role)
            .FirstOrDefaultAsync(ct);
    }

    public async Task<Organization?> GetCurrentAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return tenant.OrganizationId is { } id ? await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) : null;
    }

    /// <summary>True until the first organization exists (a fresh production install).</summary>
    public async Task<bool> NeedsFirstRunAsync(CancellationToken ct = default)
    {
        await using var db = factory.CreateSystem();
        return !await db.Organizations.AnyAsync(ct);
    }

    /// <summary>Creates an organization with <paramref name="adminUserId"/> as its admin.</summary>
    public async Task<Organization> CreateAsync(string name, string adminUserId, CancellationToken ct = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > 200)
        {
            throw new ArgumentException("An organization needs a name of 1 to 200 characters.", nameof(name));
        }

        await using var db = factory.CreateSystem();
        var organization = new Organization { Name = trimmed };
        db.Organizations.Add(organization);
        db.Memberships.Add(new Membership { OrganizationId = organization.Id, UserId = adminUserId, Role = OrganizationRole.Admin });
        db.AuditEvents.Add(new AuditEvent
        {
            OrganizationId = organization.Id,
            UserId = adminUserId,
            Action = "organization.created",
            Target = trimmed,
            At = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return organization;
    }

    /// <summary>Adds a user to an organization (idempotent: an existing membership keeps its role).</summary>
    public async Task AddMemberAsync(Guid organizationId, string userId, OrganizationRole role, CancellationToken ct = default)
    {
        await using var db = factory.CreateForOrganization(organizationId);
        if (!await db.Memberships.AnyAsync(m => m.UserId == userId, ct))
        {
            db.Memberships.Add(new Membership { OrganizationId = organizationId, UserId = userId, Role = role });
            await db.SaveChangesAsync(ct);
        }
    }
}
