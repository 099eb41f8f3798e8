using EmailSync.Core.Domain;

namespace EmailSync.Core.Association;

/// <summary>A stored email as the planner sees it.</summary>
public sealed record StoredMessage(long Id, string? ThreadKey, AssociationCandidate Candidate, bool BodyStored = true)
{
    /// <summary>Messages sharing a thread key plan together; a message without one is its own thread.</summary>
    public string GroupKey => ThreadKey is { Length: > 0 } key ? key : "#" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An existing link row of a stored email.</summary>
public sealed record StoredLink(long CustomerId, long? ContactId, MatchReason Reason, string MatchedValue, bool IsSuppressed);

/// <summary>A link the email should have after planning.</summary>
public readonly record struct PlannedLink(long CustomerId, long? ContactId, MatchReason Reason, string MatchedValue, bool IsShared);

/// <summary>A temporary customer chosen for a whole thread that matched nobody ("Import all emails").</summary>
public sealed record TemporaryTarget(long CustomerId, string Key, bool KeyIsAddress, long? ContactId);

/// <summary>
/// Turns per-message association results into the links each stored email should carry, applying the
/// rules that span messages: a thread links as a whole, manual links and unlinks win, and an email with
/// two or more customers is shared. Pure; the store writes the difference.
/// </summary>
public static class LinkPlanner
{
    public const string ManualValue = "manual";

    public sealed record Plan(IReadOnlyDictionary<long, IReadOnlyList<PlannedLink>> Links, IReadOnlyDictionary<long, AssociationResult> Results);

    /// <param name="messages">Every stored message of the threads concerned (whole threads).</param>
    /// <param name="existing">The link rows each message has now (manual, suppressed and automatic).</param>
    /// <param name="temporary">Temporary customers for threads that matched nobody, keyed by <see cref="StoredMessage.GroupKey"/>.</param>
    public static Plan Build(
        Associator associator,
        IReadOnlyList<StoredMessage> messages,
        IReadOnlyDictionary<long, IReadOnlyList<StoredLink>> existing,
        IReadOnlyDictionary<string, TemporaryTarget>? temporary = null)
    {
        var results = new Dictionary<long, AssociationResult>(messages.Count);
        foreach (var m in messages)
        {
            results[m.Id] = associator.Associate(m.Candidate);
        }

        var links = new Dictionary<long, IReadOnlyList<PlannedLink>>(messages.Count);
        foreach (var thread in messages.GroupBy(m => m.GroupKey, StringComparer.Ordinal))
        {
            // What the thread as a whole matched, per customer, strongest reason first.
            var threadCustomers = new Dictionary<long, AssociationMatch>();
            foreach (var m in thread)
            {
                foreach (var match in results[m.Id].Matches)
                {
                    Keep(threadCustomers, match);
                }

                foreach (var link in Existing(existing, m.Id))
                {
                    if (link.Reason == MatchReason.Manual && !link.IsSuppressed)
                    {
                        Keep(threadCustomers, new AssociationMatch(link.CustomerId, link.ContactId, MatchReason.Manual, ManualValue));
                    }
                }
            }

            TemporaryTarget? temp = null;
            if (threadCustomers.Count == 0 && temporary is not null && temporary.TryGetValue(thread.Key, out var t))
            {
                temp = t;
                threadCustomers[t.CustomerId] = new AssociationMatch(t.CustomerId, t.ContactId, t.KeyIsAddress ? MatchReason.Contact : MatchReason.Domain, t.Key);
            }

            foreach (var m in thread)
            {
                links[m.Id] = PlanMessage(m, results[m.Id], Existing(existing, m.Id), threadCustomers, temp);
            }
        }

        return new Plan(links, results);
    }

    private static List<PlannedLink> PlanMessage(
        StoredMessage message,
        AssociationResult result,
        IReadOnlyList<StoredLink> existing,
        Dictionary<long, AssociationMatch> threadCustomers,
        TemporaryTarget? temp)
    {
        var planned = new List<PlannedLink>(threadCustomers.Count);

        // Manual links stay exactly as the user made them.
        foreach (var link in existing)
        {
            if (link.Reason == MatchReason.Manual && !link.IsSuppressed)
            {
                planned.Add(new PlannedLink(link.CustomerId, link.ContactId, MatchReason.Manual, link.MatchedValue, false));
            }
        }

        // Excluded, bulk and automated mail never links automatically, not even through its thread.
        var automatic = result.Outcome is not (AssociationOutcome.Excluded or AssociationOutcome.BulkOrAutomated);
        if (automatic)
        {
            foreach (var (customerId, origin) in threadCustomers)
            {
                if (HasRow(existing, customerId))
                {
                    // A manual link (kept above) or a manual unlink (suppressed): the user's word wins.
                    if (existing.Any(l => l.CustomerId == customerId && (l.IsSuppressed || l.Reason == MatchReason.Manual)))
                    {
                        continue;
                    }
                }

                var own = Own(result, customerId);
                if (own is { } match)
                {
                    planned.Add(new PlannedLink(customerId, match.ContactId, match.Reason, match.MatchedValue, false));
                }
                else if (temp is not null && temp.CustomerId == customerId && result.Outcome == AssociationOutcome.Unmatched
                    && string.Equals(result.Detail, temp.Key, StringComparison.OrdinalIgnoreCase))
                {
                    planned.Add(new PlannedLink(customerId, temp.ContactId, temp.KeyIsAddress ? MatchReason.Contact : MatchReason.Domain, temp.Key, false));
                }
                else
                {
                    planned.Add(new PlannedLink(customerId, null, MatchReason.Thread, origin.MatchedValue, false));
                }
            }
        }

        if (planned.Count > 1)
        {
            for (var i = 0; i < planned.Count; i++)
            {
                planned[i] = planned[i] with { IsShared = true };
            }
        }

        return planned;
    }

    private static AssociationMatch? Own(AssociationResult result, long customerId)
    {
        foreach (var match in result.Matches)
        {
            if (match.CustomerId == customerId)
            {
                return match;
            }
        }

        return null;
    }

    private static bool HasRow(IReadOnlyList<StoredLink> existing, long customerId)
    {
        foreach (var l in existing)
        {
            if (l.CustomerId == customerId)
            {
                return true;
            }
        }

        return false;
    }

    private static void Keep(Dictionary<long, AssociationMatch> customers, AssociationMatch match)
    {
        if (!customers.TryGetValue(match.CustomerId, out var current) || Associator.Rank(match.Reason) < Associator.Rank(current.Reason))
        {
            customers[match.CustomerId] = match;
        }
    }

    private static IReadOnlyList<StoredLink> Existing(IReadOnlyDictionary<long, IReadOnlyList<StoredLink>> existing, long messageId) =>
        existing.TryGetValue(messageId, out var links) ? links : [];
}
