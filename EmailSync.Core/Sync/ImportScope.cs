using EmailSync.Core.Domain;
using EmailSync.Core.Mime;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EmailSync.Core.Sync;

/// <summary>
/// What one organization imports from a mailbox: Gmail search queries (so Gmail does the filtering and
/// listing stays cheap) and the same rule as a predicate for mail that arrives through history.
/// Aliases scope: mail from, to, cc or bcc a verified, sync-enabled alias. Customer-threads scope:
/// mail involving a customer domain or contact address. Both limited to the backfill window.
/// </summary>
public sealed class ImportScope
{
    private readonly HashSet<string> addresses;
    private readonly HashSet<string> domains;

    public ImportScope(Guid organizationId, SyncScope mode, IEnumerable<string> addresses, IEnumerable<string> domains, DateTimeOffset windowStart, int termsPerQuery)
    {
        OrganizationId = organizationId;
        Mode = mode;
        this.addresses = new HashSet<string>(addresses.Select(a => a.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        this.domains = new HashSet<string>(domains.Select(d => d.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        WindowStart = windowStart;
        Queries = BuildQueries(termsPerQuery);
        Fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Queries.Select(StripWindow)))))[..32];
    }

    public Guid OrganizationId { get; }
    public SyncScope Mode { get; }
    public DateTimeOffset WindowStart { get; }

    /// <summary>Gmail search queries; empty when nothing is in scope (no alias verified, no customer yet).</summary>
    public IReadOnlyList<string> Queries { get; }

    /// <summary>Changes when the set of aliases, domains or contacts changes (not with the sliding window).</summary>
    public string Fingerprint { get; }

    public bool IsEmpty => Queries.Count == 0;

    /// <summary>The same rule as <see cref="Queries"/>, applied to a parsed message.</summary>
    public bool Includes(ParsedEmail email, DateTimeOffset sentAt)
    {
        if (sentAt < WindowStart)
        {
            return false;
        }

        foreach (var list in new[] { email.From, email.To, email.Cc, email.Bcc })
        {
            foreach (var participant in list)
            {
                if (addresses.Contains(participant.Address))
                {
                    return true;
                }

                var at = participant.Address.LastIndexOf('@');
                if (at > 0 && domains.Contains(participant.Address[(at + 1)..]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private List<string> BuildQueries(int termsPerQuery)
    {
        var terms = addresses.Order(StringComparer.Ordinal).Concat(domains.Order(StringComparer.Ordinal)).ToList();
        var after = $"after:{WindowStart.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        return terms
            .Chunk(termsPerQuery)
            .Select(chunk => "{" + string.Join(' ', chunk.SelectMany(t => new[] { $"from:{t}", $"to:{t}", $"cc:{t}", $"bcc:{t}" })) + "} " + after)
            .ToList();
    }

    private static string StripWindow(string query) => query[..query.LastIndexOf(" after:", StringComparison.Ordinal)];
}
