namespace EmailSync.Core.Association;

/// <summary>
/// Which stored mail a change can affect: participants with these addresses, or in these domains or their
/// subdomains, plus mail already linked by them (and, through threads, their whole threads) — or everything.
/// </summary>
public sealed record ReassociationScope(IReadOnlyList<string> Domains, IReadOnlyList<string> Addresses, bool Everything = false)
{
    public static ReassociationScope All { get; } = new([], [], true);

    public static ReassociationScope ForDomains(params string[] domains) => new(domains, []);

    public static ReassociationScope ForAddresses(params string[] addresses) => new([], addresses);

    public bool IsEmpty => !Everything && Domains.Count == 0 && Addresses.Count == 0;

    public ReassociationScope Union(ReassociationScope other) =>
        Everything || other.Everything
            ? All
            : new ReassociationScope(
                Domains.Concat(other.Domains).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                Addresses.Concat(other.Addresses).Distinct(StringComparer.OrdinalIgnoreCase).ToList());

    public override string ToString() => Everything ? "all mail" : string.Join(", ", Domains.Concat(Addresses));
}

/// <summary>
/// A proposed change to what drives association, so its effect can be previewed
/// (<see cref="MatchingRulesService.PreviewAsync"/>) before it is applied. Values are validated and
/// normalised by the services, with the same messages whether previewing or applying.
/// </summary>
public abstract record RuleChange
{
    private protected RuleChange()
    {
    }

    /// <summary>The rules as they would be after the change.</summary>
    public abstract AssociationRuleSet ApplyTo(AssociationRuleSet rules);

    /// <summary>The mail the change can affect (given the rules before it).</summary>
    public abstract ReassociationScope ScopeFor(AssociationRuleSet before);

    public sealed record AddDomain(long CustomerId, string Domain) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { Domains = [.. rules.Domains, new DomainEntry(CustomerId, Domain)] };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ReassociationScope.ForDomains(Domain);
    }

    public sealed record RemoveDomain(long CustomerId, string Domain) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with
        {
            Domains = rules.Domains.Where(d => !(d.CustomerId == CustomerId && string.Equals(d.Domain, Domain, StringComparison.OrdinalIgnoreCase))).ToList(),
        };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ReassociationScope.ForDomains(Domain);
    }

    public sealed record AddContact(long CustomerId, string Email) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { Contacts = [.. rules.Contacts, new ContactEntry(-1, CustomerId, Email)] };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ReassociationScope.ForAddresses(Email);
    }

    public sealed record RemoveContact(long ContactId) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { Contacts = rules.Contacts.Where(c => c.ContactId != ContactId).ToList() };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) =>
            ReassociationScope.ForAddresses(before.Contacts.Where(c => c.ContactId == ContactId).Select(c => c.Email).ToArray());
    }

    public sealed record ChangeContactEmail(long ContactId, string Email) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with
        {
            Contacts = rules.Contacts.Select(c => c.ContactId == ContactId ? c with { Email = Email } : c).ToList(),
        };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) =>
            ReassociationScope.ForAddresses([.. before.Contacts.Where(c => c.ContactId == ContactId).Select(c => c.Email), Email]);
    }

    public sealed record AddInternalDomain(string Domain) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { InternalDomains = [.. rules.InternalDomains, Domain] };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ReassociationScope.ForDomains(Domain);
    }

    public sealed record RemoveInternalDomain(string Domain) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { InternalDomains = Without(rules.InternalDomains, Domain) };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ReassociationScope.ForDomains(Domain);
    }

    public sealed record AddGenericDomain(string Domain) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { GenericDomains = [.. rules.GenericDomains, Domain] };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ReassociationScope.ForDomains(Domain);
    }

    public sealed record RemoveGenericDomain(string Domain) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { GenericDomains = Without(rules.GenericDomains, Domain) };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ReassociationScope.ForDomains(Domain);
    }

    /// <summary>Exclude an address ("ceo@globex.com") or a domain ("globex.com", with its subdomains).</summary>
    public sealed record AddExclusion(string Value) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => IsAddress(Value)
            ? rules with { ExcludedAddresses = [.. rules.ExcludedAddresses, Value] }
            : rules with { ExcludedDomains = [.. rules.ExcludedDomains, Value] };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ScopeOf(Value);
    }

    public sealed record RemoveExclusion(string Value) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => IsAddress(Value)
            ? rules with { ExcludedAddresses = Without(rules.ExcludedAddresses, Value) }
            : rules with { ExcludedDomains = Without(rules.ExcludedDomains, Value) };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) => ScopeOf(Value);
    }

    public sealed record SetBodyReference(bool Enabled) : RuleChange
    {
        public override AssociationRuleSet ApplyTo(AssociationRuleSet rules) => rules with { BodyReferenceEnabled = Enabled };

        public override ReassociationScope ScopeFor(AssociationRuleSet before) =>
            before.BodyReferenceEnabled == Enabled ? new ReassociationScope([], []) : ReassociationScope.All;
    }

    internal static bool IsAddress(string value) => value.Contains('@', StringComparison.Ordinal);

    private static ReassociationScope ScopeOf(string value) =>
        IsAddress(value) ? ReassociationScope.ForAddresses(value) : ReassociationScope.ForDomains(value);

    private static List<string> Without(IReadOnlyList<string> values, string value) =>
        values.Where(v => !string.Equals(v, value, StringComparison.OrdinalIgnoreCase)).ToList();
}
