using EmailSync.Core.Domain;

namespace EmailSync.Core.Association;

/// <summary>A participant of an email as the engine sees it. <see cref="Domain"/> is derived from the address when null.</summary>
public readonly record struct CandidateParticipant(ParticipantKind Kind, string Address, string? Domain = null);

/// <summary>One email to associate: its participants, bulk/automated flags and (optionally) its text.</summary>
public sealed class AssociationCandidate
{
    public required IReadOnlyList<CandidateParticipant> Participants { get; init; }

    /// <summary>List-Unsubscribe, List-Id or Precedence: bulk/list.</summary>
    public bool IsBulk { get; init; }

    /// <summary>Auto-Submitted, auto-replies, delivery reports.</summary>
    public bool IsAutomated { get; init; }
    public string? Subject { get; init; }

    /// <summary>Body text; only read when the body-reference rule is on.</summary>
    public string? BodyText { get; init; }
}

public enum AssociationOutcome
{
    /// <summary>One or more customers matched (see <see cref="AssociationResult.Matches"/>).</summary>
    Matched = 0,

    /// <summary>External participants, but no customer matched. With "Import all emails" a temporary customer may be made.</summary>
    Unmatched = 1,

    /// <summary>Every participant is the organization's own address or in an internal domain: not imported.</summary>
    InternalOnly = 2,

    /// <summary>Mailing-list, bulk or automated mail (or a noreply-style sender): never linked automatically.</summary>
    BulkOrAutomated = 3,

    /// <summary>A participant's address or domain is excluded by an admin: never linked.</summary>
    Excluded = 4,

    /// <summary>No usable participant at all.</summary>
    NoParticipants = 5,
}

/// <summary>A customer an email belongs to, and why: the reason and what matched ("acme.com", "maria@globex.com").</summary>
public readonly record struct AssociationMatch(long CustomerId, long? ContactId, MatchReason Reason, string MatchedValue);

public sealed class AssociationResult
{
    internal static readonly AssociationResult InternalOnlyResult = new(AssociationOutcome.InternalOnly);
    internal static readonly AssociationResult BulkResult = new(AssociationOutcome.BulkOrAutomated);
    internal static readonly AssociationResult NoParticipantsResult = new(AssociationOutcome.NoParticipants);

    internal AssociationResult(AssociationOutcome outcome, IReadOnlyList<AssociationMatch>? matches = null, string? detail = null, bool detailIsAddress = false)
    {
        Outcome = outcome;
        Matches = matches ?? [];
        Detail = detail;
        DetailIsAddress = detailIsAddress;
    }

    public AssociationOutcome Outcome { get; }

    /// <summary>One entry per customer, best reason first-come (contact beats domain beats body reference).</summary>
    public IReadOnlyList<AssociationMatch> Matches { get; }

    /// <summary>Two or more customers: each link is marked shared.</summary>
    public bool IsShared => Matches.Count > 1;

    /// <summary>
    /// For <see cref="AssociationOutcome.Unmatched"/>: the name a temporary customer would take — the first
    /// external participant's domain, or its address for free mail. For <see cref="AssociationOutcome.Excluded"/>:
    /// the exclusion that applied.
    /// </summary>
    public string? Detail { get; }

    /// <summary>True when <see cref="Detail"/> is an address rather than a domain.</summary>
    public bool DetailIsAddress { get; }

    /// <summary>False for internal-only mail (the sync pipeline does not import it).</summary>
    public bool ShouldImport => Outcome is not AssociationOutcome.InternalOnly;
}

/// <summary>
/// Decides which customers one email belongs to (DESIGN §4), against an <see cref="AssociationDirectory"/>.
/// Pure, thread-safe and allocation-light: hash probes with spans per participant; the only allocations
/// are the result's match list when something matches.
/// </summary>
/// <remarks>
/// Precedence, per customer: an exact contact address, then the participant's domain or a parent domain
/// (longest suffix wins; free-mail domains never match by domain), then — only when nothing else matched
/// and the switch is on — the customer's name as whole words in the subject or body. Manual links and
/// unlinks are the store's business (<see cref="AssociationService"/>) and always win.
/// </remarks>
public sealed class Associator(AssociationDirectory directory)
{
    private const int StackLimit = 64;

    public AssociationDirectory Directory => directory;

    public AssociationResult Associate(AssociationCandidate candidate)
    {
        var participants = candidate.Participants;
        var count = participants.Count;
        if (count == 0)
        {
            return AssociationResult.NoParticipantsResult;
        }

        Span<bool> external = count <= StackLimit ? stackalloc bool[count] : new bool[count];
        var externalCount = 0;
        var usable = 0;
        var automatedSender = false;
        var excluded = -1;
        for (var i = 0; i < count; i++)
        {
            var p = participants[i];
            if (p.Kind == ParticipantKind.ReplyTo || string.IsNullOrEmpty(p.Address))
            {
                continue;
            }

            usable++;
            var address = p.Address.AsSpan().Trim();
            var domain = DomainOf(p);
            if (excluded < 0 && (directory.ExcludedAddressLookup.Contains(address) || AssociationDirectory.MatchesSuffix(directory.ExcludedDomainLookup, domain)))
            {
                excluded = i;
            }

            if (p.Kind == ParticipantKind.From && IsNoReply(address))
            {
                automatedSender = true;
            }

            if (!directory.OwnAddressLookup.Contains(address) && !AssociationDirectory.MatchesSuffix(directory.InternalDomainLookup, domain))
            {
                external[i] = true;
                externalCount++;
            }
        }

        if (usable == 0)
        {
            return AssociationResult.NoParticipantsResult;
        }

        if (externalCount == 0)
        {
            // Internal-only stays internal-only (not imported) even when an admin excluded a colleague.
            return AssociationResult.InternalOnlyResult;
        }

        if (excluded >= 0)
        {
            var p = participants[excluded];
            var address = p.Address.AsSpan().Trim();
            return directory.ExcludedAddressLookup.Contains(address)
                ? new AssociationResult(AssociationOutcome.Excluded, detail: address.ToString().ToLowerInvariant(), detailIsAddress: true)
                : new AssociationResult(AssociationOutcome.Excluded, detail: ExcludedDomainOf(DomainOf(p)));
        }

        if (candidate.IsBulk || candidate.IsAutomated || automatedSender)
        {
            return AssociationResult.BulkResult;
        }

        List<AssociationMatch>? matches = null;
        for (var i = 0; i < count; i++)
        {
            if (!external[i])
            {
                continue;
            }

            var p = participants[i];
            if (directory.ContactLookup.TryGetValue(p.Address.AsSpan().Trim(), out var contact))
            {
                Add(ref matches, new AssociationMatch(contact.CustomerId, contact.ContactId, MatchReason.Contact, contact.Email));
                continue;
            }

            var domain = DomainOf(p);
            if (TryMatchDomain(domain, out var target))
            {
                Add(ref matches, new AssociationMatch(target.CustomerId, null, MatchReason.Domain, target.Domain));
            }
        }

        if (matches is null && directory.BodyReferenceEnabled)
        {
            FindBodyReferences(candidate.Subject, ref matches);
            FindBodyReferences(candidate.BodyText, ref matches);
        }

        if (matches is not null)
        {
            return new AssociationResult(AssociationOutcome.Matched, matches);
        }

        return Unmatched(participants, external);
    }

    /// <summary>The exclusion entry that covers the domain (the domain itself or a parent).</summary>
    private string ExcludedDomainOf(ReadOnlySpan<char> domain)
    {
        var d = domain;
        while (d.Contains('.'))
        {
            if (directory.ExcludedDomainLookup.Contains(d))
            {
                return d.ToString().ToLowerInvariant();
            }

            d = d[(d.IndexOf('.') + 1)..];
        }

        return domain.ToString().ToLowerInvariant();
    }

    /// <summary>The customer a domain (or its nearest parent) belongs to; never for free-mail domains.</summary>
    private bool TryMatchDomain(ReadOnlySpan<char> domain, out AssociationDirectory.DomainTarget target)
    {
        target = default;
        if (directory.IsGeneric(domain))
        {
            return false;
        }

        // Longest suffix first: eu.acme.com (one customer) wins over acme.com (another).
        var d = domain;
        while (d.Contains('.'))
        {
            if (directory.DomainLookup.TryGetValue(d, out target))
            {
                return true;
            }

            d = d[(d.IndexOf('.') + 1)..];
        }

        return false;
    }

    private AssociationResult Unmatched(IReadOnlyList<CandidateParticipant> participants, ReadOnlySpan<bool> external)
    {
        // Name a temporary customer after the sender when it is external, otherwise the first external recipient.
        var pick = -1;
        for (var i = 0; i < participants.Count; i++)
        {
            if (external[i] && (pick < 0 || participants[i].Kind == ParticipantKind.From))
            {
                pick = i;
                if (participants[i].Kind == ParticipantKind.From)
                {
                    break;
                }
            }
        }

        var p = participants[pick];
        var domain = DomainOf(p);
        return directory.IsGeneric(domain)
            ? new AssociationResult(AssociationOutcome.Unmatched, detail: p.Address.Trim().ToLowerInvariant(), detailIsAddress: true)
            : new AssociationResult(AssociationOutcome.Unmatched, detail: domain.ToString().ToLowerInvariant());
    }

    private static void Add(ref List<AssociationMatch>? matches, AssociationMatch match)
    {
        matches ??= new List<AssociationMatch>(2);
        for (var i = 0; i < matches.Count; i++)
        {
            if (matches[i].CustomerId == match.CustomerId)
            {
                if (Rank(match.Reason) < Rank(matches[i].Reason))
                {
                    matches[i] = match;
                }

                return;
            }
        }

        matches.Add(match);
    }

    /// <summary>Lower is stronger.</summary>
    internal static int Rank(MatchReason reason) => reason switch
    {
        MatchReason.Manual => 0,
        MatchReason.Contact => 1,
        MatchReason.Domain => 2,
        MatchReason.BodyReference => 3,
        _ => 4,
    };

    private void FindBodyReferences(string? text, ref List<AssociationMatch>? matches)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        // Names and words compare without accents ("Telefonica" finds Telefónica), so fold each word first.
        Span<char> folded = stackalloc char[MaxFoldedWord];
        var span = text.AsSpan();
        var i = 0;
        while (NextWord(span, ref i, out var word))
        {
            if (word.Length > MaxFoldedWord || !directory.BodyNameLookup.TryGetValue(Fold(word, folded), out var names))
            {
                continue;
            }

            foreach (var name in names)
            {
                if (FollowingWordsMatch(span, i, name.Tokens, folded))
                {
                    var customer = directory.FindCustomer(name.CustomerId);
                    Add(ref matches, new AssociationMatch(name.CustomerId, null, MatchReason.BodyReference, customer?.Name ?? string.Join(' ', name.Tokens)));
                    break;
                }
            }
        }
    }

    private const int MaxFoldedWord = 64;

    private static bool FollowingWordsMatch(ReadOnlySpan<char> text, int position, string[] tokens, Span<char> buffer)
    {
        for (var t = 1; t < tokens.Length; t++)
        {
            if (!NextWord(text, ref position, out var word) || word.Length > MaxFoldedWord
                || !Fold(word, buffer).Equals(tokens[t], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies <paramref name="word"/> into <paramref name="buffer"/> without Latin diacritics (á→a, ç→c, ñ→n, ü→u ...).</summary>
    internal static ReadOnlySpan<char> Fold(ReadOnlySpan<char> word, Span<char> buffer)
    {
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            buffer[i] = c < '\u00C0' ? c : char.ToLowerInvariant(c) switch
            {
                'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' => 'a',
                'ç' => 'c',
                'è' or 'é' or 'ê' or 'ë' => 'e',
                'ì' or 'í' or 'î' or 'ï' => 'i',
                'ñ' => 'n',
                'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' => 'o',
                'ù' or 'ú' or 'û' or 'ü' => 'u',
                'ý' or 'ÿ' => 'y',
                _ => c,
            };
        }

        return buffer[..word.Length];
    }

    /// <summary>The next run of letters or digits at or after <paramref name="index"/> (whole words only).</summary>
    internal static bool NextWord(ReadOnlySpan<char> text, ref int index, out ReadOnlySpan<char> word)
    {
        var i = index;
        while (i < text.Length && !char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        var start = i;
        while (i < text.Length && char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        index = i;
        word = text[start..i];
        return word.Length > 0;
    }

    private static ReadOnlySpan<char> DomainOf(in CandidateParticipant p)
    {
        ReadOnlySpan<char> domain;
        if (!string.IsNullOrEmpty(p.Domain))
        {
            domain = p.Domain.AsSpan();
        }
        else
        {
            var at = p.Address.LastIndexOf('@');
            domain = at >= 0 ? p.Address.AsSpan(at + 1) : [];
        }

        return domain.Trim().TrimEnd('.');
    }

    /// <summary>noreply@, no-reply-123@, donotreply@, mailer-daemon@, postmaster@, bounce@ ...</summary>
    internal static bool IsNoReply(ReadOnlySpan<char> address)
    {
        var at = address.IndexOf('@');
        var local = at >= 0 ? address[..at] : address;
        return local.StartsWith("noreply", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("no-reply", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("no_reply", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("donotreply", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("do-not-reply", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("do_not_reply", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("bounce", StringComparison.OrdinalIgnoreCase)
            || local.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase)
            || local.Equals("postmaster", StringComparison.OrdinalIgnoreCase);
    }
}
