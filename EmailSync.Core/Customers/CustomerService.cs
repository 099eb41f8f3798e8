using EmailSync.Core.Association;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Customers;

public sealed record CustomerListItem(long Id, string Name, IReadOnlyList<string> Domains, bool IsTemporary, int EmailCount);

public sealed record CustomerPage(IReadOnlyList<CustomerListItem> Items, int Total);

/// <summary>What merging a temporary customer moved into the target customer.</summary>
public sealed record MergeResult(int EmailsMoved, int ContactsMoved, int DomainsMoved);

/// <summary>The current organization's customers. Every query is tenant-scoped by the context.</summary>
public sealed class CustomerService(
    IEmailSyncDbContextFactory factory,
    AuditLog audit,
    ITenantContext tenant,
    MatchingRulesService rules,
    AssociationService association,
    AssociationDirectoryCache directories,
    IReassociationQueue queue)
{
    public Task<CustomerPage> ListAsync(string? search = null, int skip = 0, int take = 50, CancellationToken ct = default) =>
        ListAsync(search, skip, take, temporary: null, ct);

    /// <param name="temporary">True: only temporary customers (to confirm or merge); false: only confirmed ones; null: all.</param>
    public async Task<CustomerPage> ListAsync(string? search, int skip, int take, bool? temporary, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Customers.AsNoTracking();
        if (temporary is { } onlyTemporary)
        {
            query = query.Where(c => c.IsTemporary == onlyTemporary);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(c => c.Name.ToLower().Contains(term)
                || c.Domains.Any(d => d.Domain.Contains(term))
                || c.Contacts.Any(k => k.Email.Contains(term) || (k.Name != null && k.Name.ToLower().Contains(term))));
        }

        var total = await query.CountAsync(ct);
        var items = await query
            .OrderBy(c => c.Name)
            .Skip(skip)
            .Take(take)
            .Select(c => new CustomerListItem(
                c.Id,
                c.Name,
                c.Domains.OrderBy(d => d.Domain).Select(d => d.Domain).ToList(),
                c.IsTemporary,
                db.EmailLinks.Count(l => l.CustomerId == c.Id && !l.IsSuppressed)))
            .ToListAsync(ct);
        return new CustomerPage(items, total);
    }

    /// <summary>The customer with its domains and contacts, or null when it does not exist in this organization.</summary>
    public async Task<Customer?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Customers.AsNoTracking()
            .Include(c => c.Domains)
            .Include(c => c.Contacts)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    /// <summary>Creates a confirmed customer with its domains; its existing mail is re-associated in the background.</summary>
    public async Task<Customer> CreateAsync(string name, IEnumerable<string> domains, CancellationToken ct = default)
    {
        var trimmed = ValidateName(name);
        var normalized = domains.Where(d => !string.IsNullOrWhiteSpace(d)).Select(DomainName.Normalize).Distinct().ToList();
        var organizationId = CurrentOrganization();
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureNameFreeAsync(db, trimmed, null, ct);
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        foreach (var domain in normalized)
        {
            await RuleChangeValidator.EnsureDomainAssignableAsync(db, org, null, trimmed, domain, ct);
        }

        var customer = new Customer { Name = trimmed, Domains = normalized.Select(d => new CustomerDomain { Domain = d }).ToList() };
        db.Customers.Add(customer);
        db.AuditEvents.Add(audit.Create("customer.created", trimmed, string.Join(", ", normalized)));
        org.MatchingVersion++;
        await db.SaveChangesAsync(ct);
        await RulesChangedAsync(organizationId, ReassociationScope.ForDomains([.. normalized]), "customer.created " + trimmed, ct);
        return customer;
    }

    /// <summary>Adds an email domain (validated; one domain belongs to one customer) and re-associates mail from it.</summary>
    public async Task AddDomainAsync(long customerId, string domain, CancellationToken ct = default) =>
        await rules.ApplyAsync(new RuleChange.AddDomain(customerId, domain), ct);

    /// <summary>Removes a domain; mail that only this domain linked leaves the customer's timeline.</summary>
    public async Task RemoveDomainAsync(long customerId, string domain, CancellationToken ct = default) =>
        await rules.ApplyAsync(new RuleChange.RemoveDomain(customerId, domain), ct);

    /// <summary>How many emails adding (or, with <paramref name="remove"/>, removing) a domain would move.</summary>
    public Task<ReassociationPreview> PreviewDomainAsync(long customerId, string domain, bool remove = false, CancellationToken ct = default) =>
        rules.PreviewAsync(remove ? new RuleChange.RemoveDomain(customerId, domain) : new RuleChange.AddDomain(customerId, domain), ct);

    /// <summary>Confirms a temporary customer (optionally renaming it): it becomes a regular customer.</summary>
    public async Task ConfirmAsync(long id, string? newName = null, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new CustomerNotFoundException(id);
        if (newName is not null)
        {
            var trimmed = ValidateName(newName);
            await EnsureNameFreeAsync(db, trimmed, id, ct);
            customer.Name = trimmed;
        }

        customer.IsTemporary = false;
        db.AuditEvents.Add(audit.Create("customer.confirmed", customer.Name));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Merges a temporary customer into an existing one: its emails, contacts and domains move to the target
    /// (manual links and unlinks included), and the temporary customer is deleted.
    /// </summary>
    public async Task<MergeResult> MergeAsync(long temporaryId, long intoCustomerId, CancellationToken ct = default)
    {
        if (temporaryId == intoCustomerId)
        {
            throw new ValidationException("A customer cannot be merged into itself.");
        }

        var organizationId = CurrentOrganization();
        List<long> messageIds;
        MergeResult result;
        ReassociationScope scope;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var source = await db.Customers.FirstOrDefaultAsync(c => c.Id == temporaryId, ct) ?? throw new CustomerNotFoundException(temporaryId);
            var target = await db.Customers.FirstOrDefaultAsync(c => c.Id == intoCustomerId, ct) ?? throw new CustomerNotFoundException(intoCustomerId);
            if (!source.IsTemporary)
            {
                throw new ValidationException($"{source.Name} is not a temporary customer; only temporary customers can be merged.");
            }

            var sourceLinks = await db.EmailLinks.Where(l => l.CustomerId == temporaryId).ToListAsync(ct);
            messageIds = sourceLinks.Select(l => l.EmailMessageId).Distinct().ToList();
            var targetLinks = (await db.EmailLinks.Where(l => l.CustomerId == intoCustomerId && messageIds.Contains(l.EmailMessageId)).ToListAsync(ct))
                .ToDictionary(l => l.EmailMessageId);
            var moved = 0;
            foreach (var link in sourceLinks)
            {
                if (targetLinks.TryGetValue(link.EmailMessageId, out var existing))
                {
                    // The target already has this email; a user's manual choice on the temporary one carries over.
                    if (link.Reason == MatchReason.Manual && existing.Reason != MatchReason.Manual)
                    {
                        existing.Reason = MatchReason.Manual;
                        existing.MatchedValue = link.MatchedValue;
                        existing.IsSuppressed = link.IsSuppressed;
                    }

                    db.EmailLinks.Remove(link);
                }
                else
                {
                    // Delete and re-add: the (message, customer) pair is a key the store must see change.
                    db.EmailLinks.Remove(link);
                    db.EmailLinks.Add(new EmailLink
                    {
                        EmailMessageId = link.EmailMessageId,
                        CustomerId = intoCustomerId,
                        ContactId = link.ContactId,
                        Reason = link.Reason,
                        MatchedValue = link.MatchedValue,
                        IsShared = link.IsShared,
                        IsSuppressed = link.IsSuppressed,
                        CreatedAt = link.CreatedAt,
                    });
                    if (!link.IsSuppressed)
                    {
                        moved++;
                    }
                }
            }

            var domains = await db.CustomerDomains.Where(d => d.CustomerId == temporaryId).ToListAsync(ct);
            var contacts = await db.Contacts.Where(c => c.CustomerId == temporaryId).ToListAsync(ct);
            domains.ForEach(d => d.CustomerId = intoCustomerId);
            contacts.ForEach(c => c.CustomerId = intoCustomerId);
            scope = new ReassociationScope(domains.Select(d => d.Domain).ToList(), contacts.Select(c => c.Email).ToList());
            result = new MergeResult(moved, contacts.Count, domains.Count);
            db.Customers.Remove(source);
            var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
            org.MatchingVersion++;
            db.AuditEvents.Add(audit.Create("customer.merged", target.Name,
                $"{source.Name} merged in: {result.EmailsMoved} emails, {result.ContactsMoved} contacts, {result.DomainsMoved} domains"));
            await db.SaveChangesAsync(ct);
        }

        directories.Invalidate(organizationId);

        // Shared flags and thread links of the moved mail are recomputed now, the rest in the background.
        await association.LinkAsync(organizationId, messageIds, ct);
        await queue.EnqueueAsync(new ReassociationRequest(organizationId, scope, "customer.merged"), ct);
        return result;
    }

    public async Task RenameAsync(long id, string name, CancellationToken ct = default)
    {
        var trimmed = ValidateName(name);
        await using var db = await factory.CreateDbContextAsync(ct);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new CustomerNotFoundException(id);
        await EnsureNameFreeAsync(db, trimmed, id, ct);
        var old = customer.Name;
        customer.Name = trimmed;
        db.AuditEvents.Add(audit.Create("customer.renamed", trimmed, $"was {old}"));
        var org = await db.Organizations.FirstAsync(o => o.Id == CurrentOrganization(), ct);
        org.MatchingVersion++;
        await db.SaveChangesAsync(ct);
        if (org.BodyReferenceEnabled)
        {
            // Body references match names: the old name's mail may leave, the new name's may arrive.
            await RulesChangedAsync(org.Id, ReassociationScope.All, "customer.renamed " + trimmed, ct);
        }
        else
        {
            directories.Invalidate(org.Id);
        }
    }

    public async Task DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new CustomerNotFoundException(id);
        var messageIds = await db.EmailLinks.Where(l => l.CustomerId == id).Select(l => l.EmailMessageId).ToListAsync(ct);
        await db.EmailLinks.Where(l => l.CustomerId == id).ExecuteDeleteAsync(ct);
        db.Customers.Remove(customer);
        db.AuditEvents.Add(audit.Create("customer.deleted", customer.Name));
        await db.SaveChangesAsync(ct);
        await AssociationRulesLoader.BumpVersionAsync(db, CurrentOrganization(), ct);
        directories.Invalidate(CurrentOrganization());

        // The other customers of its mail are no longer shared with it.
        await association.LinkAsync(CurrentOrganization(), messageIds, ct);
    }

    private static string ValidateName(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length is 0 or > 200
            ? throw new ValidationException("A customer needs a name of 1 to 200 characters.")
            : trimmed;
    }

    private static async Task EnsureNameFreeAsync(EmailSyncDbContext db, string name, long? exceptId, CancellationToken ct)
    {
        var lower = name.ToLower();
        var existing = await db.Customers.Where(c => c.Name.ToLower() == lower && c.Id != exceptId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            throw new ValidationException($"A customer named {existing} already exists.");
        }
    }

    private async Task RulesChangedAsync(Guid organizationId, ReassociationScope scope, string reason, CancellationToken ct)
    {
        directories.Invalidate(organizationId);
        await queue.EnqueueAsync(new ReassociationRequest(organizationId, scope, reason), ct);
    }

    private Guid CurrentOrganization() => tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");
}

public sealed class CustomerNotFoundException(long id) : Exception($"Customer {id} was not found in this organization.");

/// <summary>Input the user must correct; the message is shown as it is.</summary>
public sealed class ValidationException(string message) : Exception(message);
