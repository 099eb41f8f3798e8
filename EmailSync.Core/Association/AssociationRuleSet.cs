namespace EmailSync.Core.Association;

public sealed record CustomerEntry(long Id, string Name, bool IsTemporary = false);

public sealed record DomainEntry(long CustomerId, string Domain);

public sealed record ContactEntry(long ContactId, long CustomerId, string Email);

/// <summary>
/// Everything that decides association for one organization, as plain data: what the database holds,
/// or what it would hold after a proposed change (see <see cref="RuleChange"/>). An
/// <see cref="AssociationDirectory"/> is built from it.
/// </summary>
public sealed record AssociationRuleSet
{
    public IReadOnlyList<CustomerEntry> Customers { get; init; } = [];
    public IReadOnlyList<DomainEntry> Domains { get; init; } = [];
    public IReadOnlyList<ContactEntry> Contacts { get; init; } = [];

    /// <summary>The organization's own domains; their addresses never match a customer.</summary>
    public IReadOnlyList<string> InternalDomains { get; init; } = [];

    /// <summary>Aliases, members' login and connected Google addresses: never match a customer.</summary>
    public IReadOnlyList<string> OwnAddresses { get; init; } = [];

    /// <summary>The organization's additions to <see cref="Association.GenericDomains.BuiltIn"/>.</summary>
    public IReadOnlyList<string> GenericDomains { get; init; } = [];
    public IReadOnlyList<string> ExcludedDomains { get; init; } = [];
    public IReadOnlyList<string> ExcludedAddresses { get; init; } = [];
    public bool BodyReferenceEnabled { get; init; }

    /// <summary>Unmatched mail creates a temporary customer (applied by the store, not the pure engine).</summary>
    public bool ImportAllEmails { get; init; }
}
