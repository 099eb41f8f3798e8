using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Customers;

public sealed record CustomerListItem(long Id, string Name, IReadOnlyList<string> Domains, bool IsTemporary, int EmailCount);

public sealed record CustomerPage(IReadOnlyList<CustomerListItem> Items, int Total);

/// <summary>The current organization's customers. Every query is tenant-scoped by the context.</summary>
public sealed class CustomerService(IEmailSyncDbContextFactory factory, AuditLog audit)
{
    public async Task<CustomerPage> ListAsync(string? search = null, int skip = 0, int take = 50, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Customers.AsNoTracking();
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

    public async Task<Customer> CreateAsync(string name, IEnumerable<string> domains, CancellationToken ct = default)
    {
        var trimmed = ValidateName(name);
        var normalized = domains.Select(DomainName.Normalize).Distinct().ToList();
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureDomainsFreeAsync(db, normalized, null, ct);
        var customer = new Customer { Name = trimmed, Domains = normalized.Select(d => new CustomerDomain { Domain = d }).ToList() };
        db.Customers.Add(customer);
        db.AuditEvents.Add(audit.Create("customer.created", trimmed, string.Join(", ", normalized)));
        await db.SaveChangesAsync(ct);
        return customer;
    }

    public async Task RenameAsync(long id, string name, CancellationToken ct = default)
    {
        var trimmed = ValidateName(name);
        await using var db = await factory.CreateDbContextAsync(ct);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new CustomerNotFoundException(id);
        var old = customer.Name;
        customer.Name = trimmed;
        db.AuditEvents.Add(audit.Create("customer.renamed", trimmed, $"was {old}"));
        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new CustomerNotFoundException(id);
        await db.EmailLinks.Where(l => l.CustomerId == id).ExecuteDeleteAsync(ct);
        db.Customers.Remove(customer);
        db.AuditEvents.Add(audit.Create("customer.deleted", customer.Name));
        await db.SaveChangesAsync(ct);
    }

    private static string ValidateName(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length is 0 or > 200
            ? throw new ValidationException("A customer needs a name of 1 to 200 characters.")
            : trimmed;
    }

    private static async Task EnsureDomainsFreeAsync(EmailSyncDbContext db, IReadOnlyCollection<string> domains, long? exceptCustomerId, CancellationToken ct)
    {
        var taken = await db.CustomerDomains
            .Where(d => domains.Contains(d.Domain) && d.CustomerId != exceptCustomerId)
            .Select(d => d.Domain)
            .FirstOrDefaultAsync(ct);
        if (taken is not null)
        {
            throw new ValidationException($"The domain {taken} already belongs to another customer.");
        }
    }
}

public sealed class CustomerNotFoundException(long id) : Exception($"Customer {id} was not found in this organization.");

/// <summary>Input the user must correct; the message is shown as it is.</summary>
public sealed class ValidationException(string message) : Exception(message);
