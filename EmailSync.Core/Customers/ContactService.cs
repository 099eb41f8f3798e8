using EmailSync.Core.Association;
using EmailSync.Core.Data;
using EmailSync.Core.Organizations;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Customers;

public sealed record ContactItem(long Id, long CustomerId, string Email, string? Name, bool IsChampion);

/// <summary>
/// A customer's contacts in the current organization. An address is unique in the organization and belongs
/// to one contact; adding, changing or removing one re-associates the mail it appears in (in the background).
/// </summary>
public sealed class ContactService(IEmailSyncDbContextFactory factory, MatchingRulesService rules, AuditLog audit)
{
    public const int MaxNameLength = 200;

    public async Task<IReadOnlyList<ContactItem>> ListAsync(long customerId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Contacts.AsNoTracking()
            .Where(c => c.CustomerId == customerId)
            .OrderByDescending(c => c.IsChampion).ThenBy(c => c.Email)
            .Select(c => new ContactItem(c.Id, c.CustomerId, c.Email, c.Name, c.IsChampion))
            .ToListAsync(ct);
    }

    public async Task<ContactItem> AddAsync(long customerId, string email, string? name = null, bool isChampion = false, CancellationToken ct = default)
    {
        var cleanName = ValidateName(name);
        var id = await rules.ApplyAsync(new RuleChange.AddContact(customerId, email), c =>
        {
            c.Name = cleanName;
            c.IsChampion = isChampion;
        }, ct);
        return new ContactItem(id!.Value, customerId, EmailAddress.Normalize(email), cleanName, isChampion);
    }

    /// <summary>Changes a contact; a new address re-associates the mail of the old and the new one.</summary>
    public async Task UpdateAsync(long contactId, string email, string? name, bool isChampion, CancellationToken ct = default)
    {
        var cleanName = ValidateName(name);
        var normalized = EmailAddress.Normalize(email);
        await using var db = await factory.CreateDbContextAsync(ct);
        var contact = await db.Contacts.Include(c => c.Customer).FirstOrDefaultAsync(c => c.Id == contactId, ct)
            ?? throw new ValidationException("That contact does not exist in this organization.");
        if (contact.Email != normalized)
        {
            await rules.ApplyAsync(new RuleChange.ChangeContactEmail(contactId, normalized), c =>
            {
                c.Name = cleanName;
                c.IsChampion = isChampion;
            }, ct);
            return;
        }

        if (contact.Name == cleanName && contact.IsChampion == isChampion)
        {
            return;
        }

        var details = contact.IsChampion == isChampion ? $"{normalized}: name" : $"{normalized}: champion {(isChampion ? "on" : "off")}";
        contact.Name = cleanName;
        contact.IsChampion = isChampion;
        db.AuditEvents.Add(audit.Create("contact.updated", contact.Customer?.Name, details));
        await db.SaveChangesAsync(ct);
    }

    public Task RemoveAsync(long contactId, CancellationToken ct = default) => rules.ApplyAsync(new RuleChange.RemoveContact(contactId), ct);

    /// <summary>How many emails adding this contact would move onto the customer's timeline.</summary>
    public Task<ReassociationPreview> PreviewAddAsync(long customerId, string email, CancellationToken ct = default) =>
        rules.PreviewAsync(new RuleChange.AddContact(customerId, email), ct);

    public Task<ReassociationPreview> PreviewRemoveAsync(long contactId, CancellationToken ct = default) =>
        rules.PreviewAsync(new RuleChange.RemoveContact(contactId), ct);

    internal static string? ValidateName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return trimmed.Length > MaxNameLength
            ? throw new ValidationException($"A contact's name can have at most {MaxNameLength} characters.")
            : trimmed;
    }
}
