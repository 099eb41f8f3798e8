namespace EmailSync.Core.Domain;

/// <summary>A customer-success team: the tenant every other row belongs to.</summary>
public sealed class Organization
{
    public const int MinBackfillDays = 1;
    public const int MaxBackfillDays = 365;
    public const int DefaultBackfillDays = 90;

    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public bool GmailImportEnabled { get; set; }
    public SyncScope SyncScope { get; set; } = SyncScope.Aliases;
    public bool ImportAllEmails { get; set; }
    public int BackfillDays { get; set; } = DefaultBackfillDays;
    public List<string> InternalDomains { get; set; } = [];

    /// <summary>Free-mail domains this organization adds to the built-in list (never matched by domain).</summary>
    public List<string> GenericDomains { get; set; } = [];

    /// <summary>Domains (and their subdomains) whose mail is never linked to a customer.</summary>
    public List<string> ExcludedDomains { get; set; } = [];

    /// <summary>Addresses whose mail is never linked to a customer.</summary>
    public List<string> ExcludedAddresses { get; set; } = [];

    /// <summary>Link mail that names a customer in its body when nothing else matched (off by default).</summary>
    public bool BodyReferenceEnabled { get; set; }

    /// <summary>
    /// Bumped whenever customers, domains, contacts or matching rules change, so a cached
    /// association directory can be confirmed against the database with one tiny query.
    /// </summary>
    public long MatchingVersion { get; set; }
    public List<string> CriticalKeywords { get; set; } = [];
    public List<string> CompetitorNames { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum SyncScope
{
    /// <summary>Import mail from, to, cc or bcc a verified, sync-enabled alias.</summary>
    Aliases = 0,

    /// <summary>Import threads that involve a customer domain or contact.</summary>
    CustomerThreads = 1,
}
