using System.Collections.Frozen;

namespace EmailSync.Core.Association;

/// <summary>
/// An immutable, read-optimised snapshot of one organization's association rules: frozen hash tables
/// keyed case-insensitively and probed with spans, so matching a participant allocates nothing.
/// Safe to share between threads; rebuilt (never mutated) when the rules change.
/// </summary>
public sealed class AssociationDirectory
{
    internal readonly record struct ContactTarget(long ContactId, long CustomerId, string Email);

    internal readonly record struct DomainTarget(long CustomerId, string Domain);

    internal sealed record BodyName(long CustomerId, string[] Tokens);

    private readonly FrozenDictionary<string, ContactTarget> contacts;
    private readonly FrozenDictionary<string, DomainTarget> domains;
    private readonly FrozenSet<string> internalDomains;
    private readonly FrozenSet<string> ownAddresses;
    private readonly FrozenSet<string> genericDomains;
    private readonly FrozenSet<string> genericWildcards;
    private readonly FrozenSet<string> excludedDomains;
    private readonly FrozenSet<string> excludedAddresses;
    private readonly FrozenDictionary<string, BodyName[]> bodyNames;
    private readonly FrozenDictionary<long, CustomerEntry> customers;

    internal readonly FrozenDictionary<string, ContactTarget>.AlternateLookup<ReadOnlySpan<char>> ContactLookup;
    internal readonly FrozenDictionary<string, DomainTarget>.AlternateLookup<ReadOnlySpan<char>> DomainLookup;
    internal readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> InternalDomainLookup;
    internal readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> OwnAddressLookup;
    internal readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> GenericLookup;
    internal readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> GenericWildcardLookup;
    internal readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ExcludedDomainLookup;
    internal readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ExcludedAddressLookup;
    internal readonly FrozenDictionary<string, BodyName[]>.AlternateLookup<ReadOnlySpan<char>> BodyNameLookup;

    private AssociationDirectory(AssociationRuleSet rules)
    {
        Rules = rules;
        var comparer = StringComparer.OrdinalIgnoreCase;
        customers = rules.Customers.ToFrozenDictionary(c => c.Id);

        var contactMap = new Dictionary<string, ContactTarget>(rules.Contacts.Count, comparer);
        foreach (var c in rules.Contacts)
        {
            var email = c.Email.Trim().ToLowerInvariant();
            contactMap.TryAdd(email, new ContactTarget(c.ContactId, c.CustomerId, email));
        }

        var domainMap = new Dictionary<string, DomainTarget>(rules.Domains.Count, comparer);
        foreach (var d in rules.Domains)
        {
            var domain = d.Domain.Trim().TrimEnd('.').ToLowerInvariant();
            domainMap.TryAdd(domain, new DomainTarget(d.CustomerId, domain));
        }

        var generic = new HashSet<string>(comparer);
        var wildcards = new HashSet<string>(comparer);
        foreach (var g in GenericDomains.BuiltIn.Concat(rules.GenericDomains))
        {
            var value = g.Trim().TrimEnd('.').ToLowerInvariant();
            if (value.EndsWith(".*", StringComparison.Ordinal))
            {
                wildcards.Add(value[..^2]);
            }
            else if (value.Length > 0)
            {
                generic.Add(value);
            }
        }

        contacts = contactMap.ToFrozenDictionary(comparer);
        domains = domainMap.ToFrozenDictionary(comparer);
        internalDomains = Normalized(rules.InternalDomains);
        ownAddresses = Normalized(rules.OwnAddresses);
        genericDomains = generic.ToFrozenSet(comparer);
        genericWildcards = wildcards.ToFrozenSet(comparer);
        excludedDomains = Normalized(rules.ExcludedDomains);
        excludedAddresses = Normalized(rules.ExcludedAddresses);
        bodyNames = BuildBodyNames(rules);

        ContactLookup = contacts.GetAlternateLookup<ReadOnlySpan<char>>();
        DomainLookup = domains.GetAlternateLookup<ReadOnlySpan<char>>();
        InternalDomainLookup = internalDomains.GetAlternateLookup<ReadOnlySpan<char>>();
        OwnAddressLookup = ownAddresses.GetAlternateLookup<ReadOnlySpan<char>>();
        GenericLookup = genericDomains.GetAlternateLookup<ReadOnlySpan<char>>();
        GenericWildcardLookup = genericWildcards.GetAlternateLookup<ReadOnlySpan<char>>();
        ExcludedDomainLookup = excludedDomains.GetAlternateLookup<ReadOnlySpan<char>>();
        ExcludedAddressLookup = excludedAddresses.GetAlternateLookup<ReadOnlySpan<char>>();
        BodyNameLookup = bodyNames.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The data this directory was built from.</summary>
    public AssociationRuleSet Rules { get; }

    public bool BodyReferenceEnabled => Rules.BodyReferenceEnabled;

    public int CustomerCount => customers.Count;

    public int ContactCount => contacts.Count;

    public static AssociationDirectory Create(AssociationRuleSet rules) => new(rules);

    public CustomerEntry? FindCustomer(long id) => customers.GetValueOrDefault(id);

    /// <summary>True for a free-mail domain (built-in list or the organization's additions), or a subdomain of one.</summary>
    public bool IsGenericDomain(string domain) => IsGeneric(domain.AsSpan().Trim().TrimEnd('.'));

    /// <summary>True for an internal domain or a subdomain of one.</summary>
    public bool IsInternalDomain(string domain) => MatchesSuffix(InternalDomainLookup, domain.AsSpan().Trim().TrimEnd('.'));

    /// <summary>True when the address is one of the organization's own (alias, member) or in an internal domain.</summary>
    public bool IsOwnAddress(string address)
    {
        var at = address.LastIndexOf('@');
        return OwnAddressLookup.Contains(address.AsSpan().Trim())
            || (at >= 0 && MatchesSuffix(InternalDomainLookup, address.AsSpan(at + 1).Trim().TrimEnd('.')));
    }

    internal bool IsGeneric(ReadOnlySpan<char> domain)
    {
        // Walk the domain and its parents: a subdomain of a free-mail provider is still free mail.
        var d = domain;
        while (true)
        {
            if (GenericLookup.Contains(d))
            {
                return true;
            }

            var dot = d.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }

            // "gmx.*": the provider's label followed by a country suffix of at most two labels (gmx.de, gmx.co.uk).
            var rest = d[(dot + 1)..];
            if (rest.Count('.') <= 1 && GenericWildcardLookup.Contains(d[..dot]))
            {
                return true;
            }

            d = rest;
        }
    }

    /// <summary>Looks up the domain, then its parents (mail.acme.com, acme.com), never a bare top-level label.</summary>
    internal static bool MatchesSuffix(FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> set, ReadOnlySpan<char> domain)
    {
        if (set.Set.Count == 0)
        {
            return false;
        }

        var d = domain;
        while (d.Contains('.'))
        {
            if (set.Contains(d))
            {
                return true;
            }

            d = d[(d.IndexOf('.') + 1)..];
        }

        return false;
    }

    private static FrozenSet<string> Normalized(IEnumerable<string> values) =>
        values.Select(v => v.Trim().TrimEnd('.').ToLowerInvariant()).Where(v => v.Length > 0).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static FrozenDictionary<string, BodyName[]> BuildBodyNames(AssociationRuleSet rules)
    {
        if (!rules.BodyReferenceEnabled)
        {
            return new Dictionary<string, BodyName[]>(StringComparer.OrdinalIgnoreCase).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        }

        // Temporary customers are named after a domain or an address: not names anyone writes in a body.
        return rules.Customers
            .Where(c => !c.IsTemporary && c.Name.Trim().Length >= 3)
            .Select(c => new BodyName(c.Id, Tokenize(c.Name)))
            .Where(n => n.Tokens.Length > 0)
            .GroupBy(n => n.Tokens[0], StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(n => n.Tokens.Length).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    internal static string[] Tokenize(string text)
    {
        var tokens = new List<string>();
        var span = text.AsSpan();
        var i = 0;
        Span<char> buffer = stackalloc char[text.Length];
        while (Associator.NextWord(span, ref i, out var word))
        {
            tokens.Add(Associator.Fold(word, buffer).ToString());
        }

        return [.. tokens];
    }
}
