using EmailSync.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;

namespace EmailSync.Core.Association;

/// <summary>
/// One <see cref="Associator"/> per organization, kept in memory and confirmed against the database on
/// every use with a single read of <c>Organization.MatchingVersion</c> (bumped by every change to
/// customers, domains, contacts or rules) — so several app instances never disagree for long.
/// A safety age bounds how long an entry lives even if some writer forgot to bump the version.
/// </summary>
public sealed class AssociationDirectoryCache(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private sealed record Entry(Associator Associator, long Version, DateTimeOffset LoadedAt);

    private readonly ConcurrentDictionary<Guid, Entry> entries = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> locks = new();

    /// <summary>The organization's associator, for callers without a context of their own (the sync pipeline).</summary>
    public async Task<Associator> GetAsync(Guid organizationId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var db = scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateForOrganization(organizationId);
        return await GetAsync(db, organizationId, ct);
    }

    /// <summary>The organization's associator, confirmed against <paramref name="db"/>.</summary>
    public async Task<Associator> GetAsync(EmailSyncDbContext db, Guid organizationId, CancellationToken ct = default)
    {
        var version = await db.Organizations.Where(o => o.Id == organizationId).Select(o => (long?)o.MatchingVersion).FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"Organization {organizationId} does not exist.");
        if (IsFresh(organizationId, version, out var cached))
        {
            return cached;
        }

        var gate = locks.GetOrAdd(organizationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (IsFresh(organizationId, version, out cached))
            {
                return cached;
            }

            var (rules, loadedVersion) = await AssociationRulesLoader.LoadAsync(db, organizationId, ct);
            var associator = new Associator(AssociationDirectory.Create(rules));
            entries[organizationId] = new Entry(associator, loadedVersion, clock.GetUtcNow());
            return associator;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops this instance's entry at once (other instances notice the bumped version).</summary>
    public void Invalidate(Guid organizationId) => entries.TryRemove(organizationId, out _);

    /// <summary>
    /// For code outside Association that changes what matching reads — aliases, memberships, connected Google
    /// accounts, or organization fields written directly: marks the rules changed for every instance.
    /// (Re-associating stored mail is separate: queue a <see cref="ReassociationRequest"/> if it should move.)
    /// </summary>
    public async Task MarkChangedAsync(Guid organizationId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var db = scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateForOrganization(organizationId);
        await AssociationRulesLoader.BumpVersionAsync(db, organizationId, ct);
        Invalidate(organizationId);
    }

    private bool IsFresh(Guid organizationId, long version, out Associator associator)
    {
        if (entries.TryGetValue(organizationId, out var entry) && entry.Version == version && clock.GetUtcNow() - entry.LoadedAt < MaxAge)
        {
            associator = entry.Associator;
            return true;
        }

        associator = null!;
        return false;
    }
}

/// <summary>Reads one organization's association rules from the database.</summary>
internal static class AssociationRulesLoader
{
    public static async Task<(AssociationRuleSet Rules, long Version)> LoadAsync(EmailSyncDbContext db, Guid organizationId, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct)
            ?? throw new InvalidOperationException($"Organization {organizationId} does not exist.");

        // db must see this organization's rows: a context made for it, or a system context.
        var customers = await db.Customers.AsNoTracking().Where(c => c.OrganizationId == organizationId)
            .Select(c => new CustomerEntry(c.Id, c.Name, c.IsTemporary)).ToListAsync(ct);
        var domains = await db.CustomerDomains.AsNoTracking().Where(d => d.OrganizationId == organizationId)
            .Select(d => new DomainEntry(d.CustomerId, d.Domain)).ToListAsync(ct);
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.OrganizationId == organizationId)
            .Select(c => new ContactEntry(c.Id, c.CustomerId, c.Email)).ToListAsync(ct);
        var aliases = await db.Aliases.AsNoTracking().Where(a => a.OrganizationId == organizationId).Select(a => a.Address).ToListAsync(ct);
        var memberIds = db.Memberships.Where(m => m.OrganizationId == organizationId).Select(m => m.UserId);
        var memberEmails = await db.Users.AsNoTracking().Where(u => memberIds.Contains(u.Id) && u.Email != null).Select(u => u.Email!).ToListAsync(ct);
        var googleAccounts = await db.MailboxConnections.AsNoTracking().Where(c => memberIds.Contains(c.UserId)).Select(c => c.GoogleAccount).ToListAsync(ct);

        var rules = new AssociationRuleSet
        {
            Customers = customers,
            Domains = domains,
            Contacts = contacts,
            InternalDomains = org.InternalDomains,
            OwnAddresses = [.. aliases, .. memberEmails, .. googleAccounts],
            GenericDomains = org.GenericDomains,
            ExcludedDomains = org.ExcludedDomains,
            ExcludedAddresses = org.ExcludedAddresses,
            BodyReferenceEnabled = org.BodyReferenceEnabled,
            ImportAllEmails = org.ImportAllEmails,
        };
        return (rules, org.MatchingVersion);
    }

    /// <summary>Marks the organization's rules as changed, for every instance's cache.</summary>
    public static Task BumpVersionAsync(EmailSyncDbContext db, Guid organizationId, CancellationToken ct) =>
        db.Organizations.Where(o => o.Id == organizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.MatchingVersion, o => o.MatchingVersion + 1), ct);
}
