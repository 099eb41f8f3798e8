using EmailSync.Core.Customers;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Association;

/// <summary>The current organization's matching rules, for the settings page.</summary>
public sealed record MatchingRules(
    IReadOnlyList<string> InternalDomains,
    IReadOnlyList<string> OwnAddresses,
    IReadOnlyList<string> BuiltInGenericDomains,
    IReadOnlyList<string> GenericDomains,
    IReadOnlyList<string> ExcludedDomains,
    IReadOnlyList<string> ExcludedAddresses,
    bool BodyReferenceEnabled);

/// <summary>
/// What drives association, for admins: internal domains, free-mail additions, exclusions, the
/// body-reference switch — and customers' domains and contacts through <see cref="RuleChange"/>.
/// Every change is validated with a message to show as it is, previewable first
/// (<see cref="PreviewAsync"/>), audited, and followed by a background re-association of stored mail.
/// </summary>
public sealed class MatchingRulesService(
    IEmailSyncDbContextFactory factory,
    AssociationService association,
    AssociationDirectoryCache directories,
    IReassociationQueue queue,
    AuditLog audit,
    ITenantContext tenant)
{
    public async Task<MatchingRules> GetAsync(CancellationToken ct = default)
    {
        var organizationId = CurrentOrganization();
        await using var db = await factory.CreateDbContextAsync(ct);
        var (rules, _) = await AssociationRulesLoader.LoadAsync(db, organizationId, ct);
        return new MatchingRules(
            Sorted(rules.InternalDomains),
            Sorted(rules.OwnAddresses),
            Association.GenericDomains.BuiltIn,
            Sorted(rules.GenericDomains),
            Sorted(rules.ExcludedDomains),
            Sorted(rules.ExcludedAddresses),
            rules.BodyReferenceEnabled);
    }

    public Task AddInternalDomainAsync(string domain, CancellationToken ct = default) => ApplyAsync(new RuleChange.AddInternalDomain(domain), ct);

    public Task RemoveInternalDomainAsync(string domain, CancellationToken ct = default) => ApplyAsync(new RuleChange.RemoveInternalDomain(domain), ct);

    public Task AddGenericDomainAsync(string domain, CancellationToken ct = default) => ApplyAsync(new RuleChange.AddGenericDomain(domain), ct);

    public Task RemoveGenericDomainAsync(string domain, CancellationToken ct = default) => ApplyAsync(new RuleChange.RemoveGenericDomain(domain), ct);

    /// <summary>Excludes an address ("ceo@globex.com") or a domain ("globex.com") from matching.</summary>
    public Task AddExclusionAsync(string addressOrDomain, CancellationToken ct = default) => ApplyAsync(new RuleChange.AddExclusion(addressOrDomain), ct);

    public Task RemoveExclusionAsync(string addressOrDomain, CancellationToken ct = default) => ApplyAsync(new RuleChange.RemoveExclusion(addressOrDomain), ct);

    public Task SetBodyReferenceAsync(bool enabled, CancellationToken ct = default) => ApplyAsync(new RuleChange.SetBodyReference(enabled), ct);

    /// <summary>Re-runs matching over all the organization's stored mail in the background (a "re-match now" button).</summary>
    public async Task ReassociateAllAsync(CancellationToken ct = default)
    {
        var organizationId = CurrentOrganization();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.AuditEvents.Add(audit.Create("matching.reassociation-requested", "all mail"));
            await db.SaveChangesAsync(ct);
        }

        await queue.EnqueueAsync(new ReassociationRequest(organizationId, ReassociationScope.All, "re-match all mail"), ct);
    }

    /// <summary>
    /// Validates <paramref name="change"/> (same messages as applying it) and counts the emails it would link
    /// and unlink, without writing anything.
    /// </summary>
    public async Task<ReassociationPreview> PreviewAsync(RuleChange change, CancellationToken ct = default)
    {
        var organizationId = CurrentOrganization();
        RuleChange normalized;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            normalized = await RuleChangeValidator.ValidateAsync(db, organizationId, change, ct);
        }

        return await association.PreviewAsync(organizationId, normalized, ct);
    }

    /// <summary>Validates, applies and audits any <see cref="RuleChange"/>, then queues re-association of the mail it affects.</summary>
    public async Task ApplyAsync(RuleChange change, CancellationToken ct = default) => await ApplyAsync(change, null, ct);

    /// <param name="contact">Sets name and champion flag on a contact an <see cref="RuleChange.AddContact"/> creates.</param>
    internal async Task<long?> ApplyAsync(RuleChange change, Action<Contact>? contact, CancellationToken ct)
    {
        var organizationId = CurrentOrganization();
        await using var db = await factory.CreateDbContextAsync(ct);
        var normalized = await RuleChangeValidator.ValidateAsync(db, organizationId, change, ct);
        var (rulesBefore, _) = await AssociationRulesLoader.LoadAsync(db, organizationId, ct);
        var scope = normalized.ScopeFor(rulesBefore);
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        long? createdId = null;
        Contact? created = null;
        string action, target;
        string? details = null;
        switch (normalized)
        {
            case RuleChange.AddDomain c:
                db.CustomerDomains.Add(new CustomerDomain { CustomerId = c.CustomerId, Domain = c.Domain });
                (action, target, details) = ("customer.domain-added", await CustomerNameAsync(db, c.CustomerId, ct), c.Domain);
                break;
            case RuleChange.RemoveDomain c:
                db.CustomerDomains.RemoveRange(await db.CustomerDomains.Where(d => d.CustomerId == c.CustomerId && d.Domain == c.Domain).ToListAsync(ct));
                (action, target, details) = ("customer.domain-removed", await CustomerNameAsync(db, c.CustomerId, ct), c.Domain);
                break;
            case RuleChange.AddContact c:
                created = new Contact { CustomerId = c.CustomerId, Email = c.Email };
                contact?.Invoke(created);
                db.Contacts.Add(created);
                (action, target, details) = ("contact.added", await CustomerNameAsync(db, c.CustomerId, ct), c.Email + (created.IsChampion ? " (champion)" : ""));
                break;
            case RuleChange.RemoveContact c:
                var removed = await db.Contacts.FirstAsync(k => k.Id == c.ContactId, ct);
                // Links keep their customer; re-association gives them their new reason.
                await db.EmailLinks.Where(l => l.ContactId == c.ContactId).ExecuteUpdateAsync(s => s.SetProperty(l => l.ContactId, (long?)null), ct);
                db.Contacts.Remove(removed);
                (action, target, details) = ("contact.removed", await CustomerNameAsync(db, removed.CustomerId, ct), removed.Email);
                break;
            case RuleChange.ChangeContactEmail c:
                var changed = await db.Contacts.FirstAsync(k => k.Id == c.ContactId, ct);
                (action, target, details) = ("contact.updated", await CustomerNameAsync(db, changed.CustomerId, ct), $"{changed.Email} → {c.Email}");
                changed.Email = c.Email;
                contact?.Invoke(changed);
                break;
            case RuleChange.AddInternalDomain c:
                org.InternalDomains = [.. org.InternalDomains, c.Domain];
                (action, target) = ("matching.internal-domain-added", c.Domain);
                break;
            case RuleChange.RemoveInternalDomain c:
                org.InternalDomains = Without(org.InternalDomains, c.Domain);
                (action, target) = ("matching.internal-domain-removed", c.Domain);
                break;
            case RuleChange.AddGenericDomain c:
                org.GenericDomains = [.. org.GenericDomains, c.Domain];
                (action, target) = ("matching.generic-domain-added", c.Domain);
                break;
            case RuleChange.RemoveGenericDomain c:
                org.GenericDomains = Without(org.GenericDomains, c.Domain);
                (action, target) = ("matching.generic-domain-removed", c.Domain);
                break;
            case RuleChange.AddExclusion c when RuleChange.IsAddress(c.Value):
                org.ExcludedAddresses = [.. org.ExcludedAddresses, c.Value];
                (action, target) = ("matching.exclusion-added", c.Value);
                break;
            case RuleChange.AddExclusion c:
                org.ExcludedDomains = [.. org.ExcludedDomains, c.Value];
                (action, target) = ("matching.exclusion-added", c.Value);
                break;
            case RuleChange.RemoveExclusion c when RuleChange.IsAddress(c.Value):
                org.ExcludedAddresses = Without(org.ExcludedAddresses, c.Value);
                (action, target) = ("matching.exclusion-removed", c.Value);
                break;
            case RuleChange.RemoveExclusion c:
                org.ExcludedDomains = Without(org.ExcludedDomains, c.Value);
                (action, target) = ("matching.exclusion-removed", c.Value);
                break;
            case RuleChange.SetBodyReference c:
                org.BodyReferenceEnabled = c.Enabled;
                (action, target) = ("matching.body-reference-" + (c.Enabled ? "enabled" : "disabled"), org.Name);
                break;
            default:
                throw new NotSupportedException($"Unknown rule change {normalized.GetType().Name}.");
        }

        org.MatchingVersion++;
        db.AuditEvents.Add(audit.Create(action, target, details));
        await db.SaveChangesAsync(ct);
        createdId = created?.Id;
        directories.Invalidate(organizationId);
        await queue.EnqueueAsync(new ReassociationRequest(organizationId, scope, $"{action} {target} {details}".Trim()), ct);
        return createdId;
    }

    private static async Task<string> CustomerNameAsync(EmailSyncDbContext db, long customerId, CancellationToken ct) =>
        await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? customerId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Without(IEnumerable<string> values, string value) =>
        values.Where(v => !string.Equals(v, value, StringComparison.OrdinalIgnoreCase)).ToList();

    private static List<string> Sorted(IEnumerable<string> values) => values.Order(StringComparer.OrdinalIgnoreCase).ToList();

    private Guid CurrentOrganization() => tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");
}

/// <summary>
/// Checks a <see cref="RuleChange"/> against the organization's data and returns it with normalised values,
/// or throws <see cref="ValidationException"/> with a message an admin can act on.
/// </summary>
internal static class RuleChangeValidator
{
    public static async Task<RuleChange> ValidateAsync(EmailSyncDbContext db, Guid organizationId, RuleChange change, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == organizationId, ct);
        switch (change)
        {
            case RuleChange.AddDomain c:
            {
                var name = await CustomerNameAsync(db, c.CustomerId, ct);
                var domain = DomainName.Normalize(c.Domain);
                await EnsureDomainAssignableAsync(db, org, c.CustomerId, name, domain, ct);
                return c with { Domain = domain };
            }

            case RuleChange.RemoveDomain c:
            {
                var name = await CustomerNameAsync(db, c.CustomerId, ct);
                var domain = NormalizeLoosely(c.Domain);
                return await db.CustomerDomains.AnyAsync(d => d.CustomerId == c.CustomerId && d.Domain == domain, ct)
                    ? c with { Domain = domain }
                    : throw new ValidationException($"{name} has no domain {domain}.");
            }

            case RuleChange.AddContact c:
            {
                await CustomerNameAsync(db, c.CustomerId, ct);
                var email = EmailAddress.Normalize(c.Email);
                await EnsureContactAssignableAsync(db, org, email, exceptContactId: null, ct);
                return c with { Email = email };
            }

            case RuleChange.RemoveContact c:
                return await db.Contacts.AnyAsync(k => k.Id == c.ContactId, ct)
                    ? c
                    : throw new ValidationException("That contact does not exist in this organization.");

            case RuleChange.ChangeContactEmail c:
            {
                if (!await db.Contacts.AnyAsync(k => k.Id == c.ContactId, ct))
                {
                    throw new ValidationException("That contact does not exist in this organization.");
                }

                var email = EmailAddress.Normalize(c.Email);
                await EnsureContactAssignableAsync(db, org, email, c.ContactId, ct);
                return c with { Email = email };
            }

            case RuleChange.AddInternalDomain c:
            {
                var domain = DomainName.Normalize(c.Domain);
                if (Contains(org.InternalDomains, domain))
                {
                    throw new ValidationException($"{domain} is already an internal domain.");
                }

                if (IsBuiltInGeneric(domain))
                {
                    throw new ValidationException($"{domain} is a free-mail domain: making it internal would hide every customer who writes from it. Add your colleagues' own addresses as aliases instead.");
                }

                if (IsPublicSuffix(domain))
                {
                    throw new ValidationException(PublicSuffixMessage(domain));
                }

                var owner = await DomainOwnerAsync(db, domain, ct);
                return owner is null
                    ? c with { Domain = domain }
                    : throw new ValidationException($"{domain} is a domain of the customer {owner}; remove it there before making it internal.");
            }

            case RuleChange.RemoveInternalDomain c:
            {
                var domain = NormalizeLoosely(c.Domain);
                return Contains(org.InternalDomains, domain) ? c with { Domain = domain } : throw new ValidationException($"{domain} is not an internal domain.");
            }

            case RuleChange.AddGenericDomain c:
            {
                var domain = DomainName.Normalize(c.Domain);
                if (IsBuiltInGeneric(domain))
                {
                    throw new ValidationException($"{domain} is already on the built-in list of free-mail domains.");
                }

                if (Contains(org.GenericDomains, domain))
                {
                    throw new ValidationException($"{domain} is already on your list of free-mail domains.");
                }

                var owner = await DomainOwnerAsync(db, domain, ct);
                return owner is null
                    ? c with { Domain = domain }
                    : throw new ValidationException($"{domain} is a domain of the customer {owner}; remove it there before marking it as free mail.");
            }

            case RuleChange.RemoveGenericDomain c:
            {
                var domain = NormalizeLoosely(c.Domain);
                if (Contains(org.GenericDomains, domain))
                {
                    return c with { Domain = domain };
                }

                throw new ValidationException(IsBuiltInGeneric(domain)
                    ? $"{domain} is on the built-in list of free-mail domains and cannot be removed."
                    : $"{domain} is not on your list of free-mail domains.");
            }

            case RuleChange.AddExclusion c:
            {
                var value = NormalizeAddressOrDomain(c.Value);
                return Contains(org.ExcludedAddresses, value) || Contains(org.ExcludedDomains, value)
                    ? throw new ValidationException($"{value} is already excluded.")
                    : c with { Value = value };
            }

            case RuleChange.RemoveExclusion c:
            {
                var value = c.Value.Trim().ToLowerInvariant().TrimStart('@');
                return Contains(org.ExcludedAddresses, value) || Contains(org.ExcludedDomains, value)
                    ? c with { Value = value }
                    : throw new ValidationException($"{value} is not excluded.");
            }

            case RuleChange.SetBodyReference c:
                return c;

            default:
                throw new NotSupportedException($"Unknown rule change {change.GetType().Name}.");
        }
    }

    /// <summary>The checks a customer domain must pass, shared with customer creation and CSV import.</summary>
    public static async Task EnsureDomainAssignableAsync(EmailSyncDbContext db, Organization org, long? customerId, string customerName, string domain, CancellationToken ct)
    {
        var problem = DomainProblem(org, domain);
        if (problem is not null)
        {
            throw new ValidationException(problem);
        }

        var owner = await db.CustomerDomains.Where(d => d.Domain == domain)
            .Select(d => new { d.CustomerId, Name = db.Customers.Where(c => c.Id == d.CustomerId).Select(c => c.Name).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        if (owner is not null)
        {
            throw new ValidationException(owner.CustomerId == customerId
                ? $"{customerName} already has the domain {domain}."
                : $"The domain {domain} already belongs to {owner.Name}; one domain can belong to one customer only.");
        }
    }

    /// <summary>Why a (normalised) domain cannot be a customer's domain in this organization, or null.</summary>
    public static string? DomainProblem(Organization org, string domain)
    {
        if (IsPublicSuffix(domain))
        {
            return PublicSuffixMessage(domain);
        }

        if (IsGeneric(org, domain))
        {
            return $"{domain} is a free-mail domain shared by many people, so it never matches by domain. Add the person's address as a contact instead.";
        }

        if (MatchesSuffix(org.InternalDomains, domain))
        {
            return $"{domain} is one of your organization's internal domains.";
        }

        return MatchesSuffix(org.ExcludedDomains, domain)
            ? $"{domain} is excluded from matching; remove the exclusion first."
            : null;
    }

    /// <summary>Why a (normalised) address cannot be a contact in this organization, or null.</summary>
    public static string? ContactProblem(Organization org, string email) =>
        MatchesSuffix(org.InternalDomains, EmailAddress.DomainOf(email))
            ? $"{email} is an address of your own organization (internal domain), not a customer contact."
            : Contains(org.ExcludedAddresses, email) || MatchesSuffix(org.ExcludedDomains, EmailAddress.DomainOf(email))
                ? $"{email} is excluded from matching; remove the exclusion first."
                : null;

    public static async Task EnsureContactAssignableAsync(EmailSyncDbContext db, Organization org, string email, long? exceptContactId, CancellationToken ct)
    {
        var problem = ContactProblem(org, email);
        if (problem is not null)
        {
            throw new ValidationException(problem);
        }

        if (await db.Aliases.AnyAsync(a => a.Address == email, ct))
        {
            throw new ValidationException($"{email} is one of your organization's aliases, not a customer contact.");
        }

        var owner = await db.Contacts.Where(k => k.Email == email && k.Id != exceptContactId).Select(k => k.Customer!.Name).FirstOrDefaultAsync(ct);
        if (owner is not null)
        {
            throw new ValidationException($"{email} is already a contact of {owner}; an address can belong to one contact only.");
        }
    }

    private static async Task<string> CustomerNameAsync(EmailSyncDbContext db, long customerId, CancellationToken ct) =>
        await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? throw new CustomerNotFoundException(customerId);

    /// <summary>Country-code second-level suffixes under which anyone registers ("co.uk", "com.br"): never one organization's domain.</summary>
    private static readonly HashSet<string> PublicSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk",
        "com.br", "net.br", "org.br", "gov.br", "com.ar", "net.ar", "org.ar", "gob.ar", "com.mx", "org.mx", "gob.mx",
        "com.co", "com.pe", "com.uy", "com.py", "com.ve", "com.ec", "com.bo",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "co.kr", "or.kr", "com.cn", "net.cn", "org.cn", "com.hk", "com.tw", "com.sg",
        "co.in", "net.in", "org.in", "com.au", "net.au", "org.au", "co.nz", "org.nz", "co.za", "org.za",
        "com.tr", "com.es", "nom.es", "org.es", "com.pt", "com.pl", "com.ru", "com.ua", "co.il", "com.eg", "com.sa",
    };

    private static bool IsPublicSuffix(string domain) => PublicSuffixes.Contains(domain);

    private static string PublicSuffixMessage(string domain) =>
        $"{domain} is a public suffix under which anyone can register a domain; enter the organization's own domain (like acme.{domain}).";

    private static Task<string?> DomainOwnerAsync(EmailSyncDbContext db, string domain, CancellationToken ct) =>
        db.CustomerDomains.Where(d => d.Domain == domain).Select(d => db.Customers.Where(c => c.Id == d.CustomerId).Select(c => c.Name).FirstOrDefault()).FirstOrDefaultAsync(ct);

    private static string NormalizeAddressOrDomain(string value)
    {
        var v = (value ?? "").Trim();
        if (v.StartsWith('@'))
        {
            return DomainName.Normalize(v);
        }

        return RuleChange.IsAddress(v) ? EmailAddress.Normalize(v) : DomainName.Normalize(v);
    }

    private static string NormalizeLoosely(string domain) => (domain ?? "").Trim().TrimEnd('.').TrimStart('@').ToLowerInvariant();

    private static readonly AssociationDirectory BuiltInOnly = AssociationDirectory.Create(new AssociationRuleSet());

    public static bool IsBuiltInGeneric(string domain) => BuiltInOnly.IsGenericDomain(domain);

    private static bool IsGeneric(Organization org, string domain) =>
        IsBuiltInGeneric(domain) || MatchesSuffix(org.GenericDomains, domain);

    private static bool Contains(IEnumerable<string> values, string value) => values.Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));

    private static bool MatchesSuffix(IEnumerable<string> domains, string domain) =>
        domains.Any(d => string.Equals(d, domain, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + d, StringComparison.OrdinalIgnoreCase));
}
