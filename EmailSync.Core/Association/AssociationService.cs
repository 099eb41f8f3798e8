using EmailSync.Core.Customers;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using System.Diagnostics;

namespace EmailSync.Core.Association;

/// <summary>What one linking pass changed.</summary>
public sealed record LinkSummary(
    int Messages,
    int LinksAdded,
    int LinksRemoved,
    int LinksUpdated,
    int TemporaryCustomersCreated,
    IReadOnlyList<long> LinkedWithoutBody)
{
    public static LinkSummary Empty { get; } = new(0, 0, 0, 0, 0, []);

    public LinkSummary Add(LinkSummary other) => new(
        Messages + other.Messages,
        LinksAdded + other.LinksAdded,
        LinksRemoved + other.LinksRemoved,
        LinksUpdated + other.LinksUpdated,
        TemporaryCustomersCreated + other.TemporaryCustomersCreated,
        [.. LinkedWithoutBody, .. other.LinkedWithoutBody]);
}

/// <summary>How many emails a proposed change moves onto and off customers' timelines.</summary>
public sealed record ReassociationPreview(
    int MessagesExamined,
    int MessagesLinked,
    int MessagesUnlinked,
    int MessagesChanged,
    IReadOnlyList<CustomerImpact> ByCustomer)
{
    public bool HasEffect => MessagesChanged > 0;
}

/// <summary>Emails a customer gains and loses with a proposed change.</summary>
public sealed record CustomerImpact(long CustomerId, string CustomerName, int EmailsGained, int EmailsLost);

/// <summary>A link of one email as the timeline shows it ("matched by domain acme.com").</summary>
public sealed record EmailLinkInfo(
    long CustomerId,
    string CustomerName,
    long? ContactId,
    MatchReason Reason,
    string MatchedValue,
    bool IsShared,
    bool IsSuppressed);

/// <summary>
/// Writes which customers stored emails belong to. <see cref="LinkAsync"/> is the seam the sync pipeline
/// calls after storing messages (it names the organization, so it runs without a signed-in user); the
/// manual link/unlink methods and previews act for the current user's organization.
/// </summary>
public sealed class AssociationService(
    IEmailSyncDbContextFactory factory,
    AssociationDirectoryCache directories,
    ITenantContext tenant,
    AuditLog audit,
    TimeProvider clock,
    ILogger<AssociationService> logger)
{
    internal const int ChunkSize = 400;

    /// <summary>
    /// Links the given stored messages — and every other stored message of their threads — to customers,
    /// idempotently: existing links are updated, stale automatic links removed, manual links and unlinks
    /// kept. With "Import all emails" on, a thread that matches nobody gets a temporary customer.
    /// </summary>
    public async Task<LinkSummary> LinkAsync(Guid organizationId, IReadOnlyCollection<long> messageIds, CancellationToken ct)
    {
        var summary = LinkSummary.Empty;
        foreach (var chunk in messageIds.Distinct().Chunk(ChunkSize))
        {
            summary = summary.Add(await RelinkWithRetryAsync(organizationId, chunk, createTemporary: true, ct));
        }

        return summary;
    }

    /// <summary>
    /// Which of these threads already sit on a customer's timeline — for the sync pipeline to decide, before
    /// storing a new message, whether to keep its body (a reply in a linked thread is customer mail).
    /// </summary>
    public async Task<IReadOnlySet<string>> LinkedThreadsAsync(Guid organizationId, IReadOnlyCollection<string> threadKeys, CancellationToken ct)
    {
        await using var db = factory.CreateForOrganization(organizationId);
        var keys = threadKeys.Where(k => !string.IsNullOrEmpty(k)).Distinct(StringComparer.Ordinal).ToList();
        var linked = await InChunksAsync(keys, chunk => db.EmailMessages.AsNoTracking()
            .Where(m => chunk.Contains(m.ThreadKey!) && m.Links.Any(l => !l.IsSuppressed))
            .Select(m => m.ThreadKey!)
            .Distinct()
            .ToListAsync(ct));
        return linked.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// How many emails <paramref name="change"/> would link and unlink. Nothing is written. The change must be
    /// validated and normalised first: callers use <see cref="MatchingRulesService.PreviewAsync"/>.
    /// </summary>
    internal async Task<ReassociationPreview> PreviewAsync(Guid organizationId, RuleChange change, CancellationToken ct = default)
    {
        await using var db = factory.CreateForOrganization(organizationId);
        var (before, _) = await AssociationRulesLoader.LoadAsync(db, organizationId, ct);
        var after = new Associator(AssociationDirectory.Create(change.ApplyTo(before)));
        var scope = change.ScopeFor(before);
        var names = before.Customers.ToDictionary(c => c.Id, c => c.Name);

        var seen = new HashSet<long>();
        int examined = 0, linked = 0, unlinked = 0, changed = 0;
        var gained = new Dictionary<long, int>();
        var lost = new Dictionary<long, int>();
        foreach (var chunk in (await AffectedMessageIdsAsync(db, scope, ct)).Chunk(ChunkSize))
        {
            var batch = await LoadThreadsAsync(db, chunk, after.Directory.BodyReferenceEnabled, tracked: false, ct);
            var plan = LinkPlanner.Build(after, batch.Messages, batch.StoredLinks);
            foreach (var message in batch.Messages)
            {
                if (!seen.Add(message.Id))
                {
                    continue;
                }

                examined++;
                var now = batch.StoredLinks.TryGetValue(message.Id, out var rows)
                    ? rows.Where(l => !l.IsSuppressed).Select(l => l.CustomerId).ToHashSet()
                    : [];
                var next = plan.Links[message.Id].Select(l => l.CustomerId).ToHashSet();
                var plus = next.Except(now).ToList();
                var minus = now.Except(next).ToList();
                linked += plus.Count > 0 ? 1 : 0;
                unlinked += minus.Count > 0 ? 1 : 0;
                changed += plus.Count + minus.Count > 0 ? 1 : 0;
                plus.ForEach(c => gained[c] = gained.GetValueOrDefault(c) + 1);
                minus.ForEach(c => lost[c] = lost.GetValueOrDefault(c) + 1);
            }
        }

        var impacts = gained.Keys.Union(lost.Keys)
            .Select(id => new CustomerImpact(id, names.GetValueOrDefault(id, "(new customer)"), gained.GetValueOrDefault(id), lost.GetValueOrDefault(id)))
            .OrderByDescending(i => i.EmailsGained + i.EmailsLost)
            .ThenBy(i => i.CustomerName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new ReassociationPreview(examined, linked, unlinked, changed, impacts);
    }

    /// <summary>The links of one email, for the timeline ("matched by domain acme.com", shared, unlinked by a user).</summary>
    public async Task<IReadOnlyList<EmailLinkInfo>> GetLinksAsync(long messageId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.EmailLinks.AsNoTracking()
            .Where(l => l.EmailMessageId == messageId)
            .OrderBy(l => l.IsSuppressed).ThenBy(l => l.Customer!.Name)
            .Select(l => new EmailLinkInfo(l.CustomerId, l.Customer!.Name, l.ContactId, l.Reason, l.MatchedValue, l.IsShared, l.IsSuppressed))
            .ToListAsync(ct);
    }

    /// <summary>Links an email (by default its whole thread) to a customer by hand; survives every re-association.</summary>
    public Task LinkManuallyAsync(long messageId, long customerId, bool wholeThread = true, CancellationToken ct = default) =>
        SetManualAsync(messageId, customerId, wholeThread, ManualAction.Link, ct);

    /// <summary>Removes an email (by default its whole thread) from a customer's timeline; re-association never brings it back.</summary>
    public Task UnlinkManuallyAsync(long messageId, long customerId, bool wholeThread = true, CancellationToken ct = default) =>
        SetManualAsync(messageId, customerId, wholeThread, ManualAction.Unlink, ct);

    /// <summary>Forgets a manual link or unlink and lets the automatic rules decide again.</summary>
    public Task ResetToAutomaticAsync(long messageId, long customerId, bool wholeThread = true, CancellationToken ct = default) =>
        SetManualAsync(messageId, customerId, wholeThread, ManualAction.Reset, ct);

    /// <summary>
    /// Re-associates the organization's stored mail within <paramref name="scope"/>, reporting progress after each
    /// chunk. Removes only links the rules no longer produce; never creates temporary customers.
    /// </summary>
    internal async Task<LinkSummary> ReassociateAsync(Guid organizationId, ReassociationScope scope, Func<int, int, LinkSummary, Task> progress, CancellationToken ct)
    {
        List<long> ids;
        await using (var db = factory.CreateForOrganization(organizationId))
        {
            // Loads (and checks) the organization's rules before any work.
            await directories.GetAsync(db, organizationId, ct);
            ids = await AffectedMessageIdsAsync(db, scope, ct);
        }

        var summary = LinkSummary.Empty;
        var processed = 0;
        await progress(0, ids.Count, summary);
        foreach (var chunk in ids.Chunk(ChunkSize))
        {
            summary = summary.Add(await RelinkWithRetryAsync(organizationId, chunk, createTemporary: false, ct));
            processed += chunk.Length;
            await progress(processed, ids.Count, summary);
        }

        return summary;
    }

    private enum ManualAction
    {
        Link,
        Unlink,
        Reset,
    }

    private async Task SetManualAsync(long messageId, long customerId, bool wholeThread, ManualAction action, CancellationToken ct)
    {
        var organizationId = CurrentOrganization();
        List<long> ids;
        string customerName;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var message = await db.EmailMessages.AsNoTracking().Where(m => m.Id == messageId).Select(m => new { m.Id, m.ThreadKey, m.Subject }).FirstOrDefaultAsync(ct)
                ?? throw new ValidationException("That email does not exist in this organization.");
            customerName = await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefaultAsync(ct)
                ?? throw new CustomerNotFoundException(customerId);
            ids = wholeThread && message.ThreadKey is { Length: > 0 } key
                ? await db.EmailMessages.Where(m => m.ThreadKey == key).Select(m => m.Id).ToListAsync(ct)
                : [messageId];

            var rows = await db.EmailLinks.Where(l => l.CustomerId == customerId && ids.Contains(l.EmailMessageId)).ToListAsync(ct);
            foreach (var id in ids)
            {
                var row = rows.FirstOrDefault(r => r.EmailMessageId == id);
                switch (action)
                {
                    case ManualAction.Link:
                        row ??= db.EmailLinks.Add(new EmailLink { EmailMessageId = id, CustomerId = customerId, CreatedAt = clock.GetUtcNow() }).Entity;
                        row.Reason = MatchReason.Manual;
                        row.MatchedValue = LinkPlanner.ManualValue;
                        row.IsSuppressed = false;
                        break;
                    case ManualAction.Unlink:
                        row ??= db.EmailLinks.Add(new EmailLink { EmailMessageId = id, CustomerId = customerId, CreatedAt = clock.GetUtcNow() }).Entity;
                        row.Reason = MatchReason.Manual;
                        row.MatchedValue = LinkPlanner.ManualValue;
                        row.IsSuppressed = true;
                        row.IsShared = false;
                        break;
                    case ManualAction.Reset when row is not null && (row.Reason == MatchReason.Manual || row.IsSuppressed):
                        db.EmailLinks.Remove(row);
                        break;
                }
            }

            var verb = action switch { ManualAction.Link => "email.linked", ManualAction.Unlink => "email.unlinked", _ => "email.link-reset" };
            db.AuditEvents.Add(audit.Create(verb, customerName, $"{ids.Count} email(s) of the thread of \"{Truncate(message.Subject, 200)}\" (message {messageId})"));
            await db.SaveChangesAsync(ct);
        }

        // Recompute shared flags and thread links around the change.
        await RelinkWithRetryAsync(organizationId, [.. ids], createTemporary: false, ct);
    }

    private async Task<LinkSummary> RelinkWithRetryAsync(Guid organizationId, long[] ids, bool createTemporary, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RelinkAsync(organizationId, ids, createTemporary, ct);
            }
            catch (DbUpdateException ex) when (attempt < 3)
            {
                // Another writer (the sync pipeline, a re-association) linked the same thread at once: read again.
                logger.LogInformation(ex, "Linking {Count} messages of {Organization} collided with another writer; retrying", ids.Length, organizationId);
            }
        }
    }

    private async Task<LinkSummary> RelinkAsync(Guid organizationId, IReadOnlyCollection<long> ids, bool createTemporary, CancellationToken ct)
    {
        await using var db = factory.CreateForOrganization(organizationId);
        var associator = await directories.GetAsync(db, organizationId, ct);
        var batch = await LoadThreadsAsync(db, ids, associator.Directory.BodyReferenceEnabled, tracked: true, ct);
        if (batch.Messages.Count == 0)
        {
            return LinkSummary.Empty;
        }

        var plan = LinkPlanner.Build(associator, batch.Messages, batch.StoredLinks);
        var created = 0;
        // Read fresh: the import switch lives with the sync settings, which do not version the matching rules.
        if (createTemporary && await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.ImportAllEmails).FirstAsync(ct))
        {
            var (temporary, made) = await CreateTemporaryCustomersAsync(db, organizationId, batch, plan, ct);
            if (temporary.Count > 0)
            {
                created = made;
                plan = LinkPlanner.Build(associator, batch.Messages, batch.StoredLinks, temporary);
            }
        }

        var summary = Apply(db, batch, plan) with { TemporaryCustomersCreated = created };
        await db.SaveChangesAsync(ct);
        if (created > 0)
        {
            await AssociationRulesLoader.BumpVersionAsync(db, organizationId, ct);
            directories.Invalidate(organizationId);
        }

        return summary;
    }

    /// <summary>
    /// For each thread whose messages all matched nobody: a temporary customer named after the first external
    /// participant's domain (with that domain), or its address for free mail (with that address as a contact).
    /// </summary>
    private async Task<(Dictionary<string, TemporaryTarget> Targets, int Created)> CreateTemporaryCustomersAsync(
        EmailSyncDbContext db, Guid organizationId, LoadedBatch batch, LinkPlanner.Plan plan, CancellationToken ct)
    {
        var byKey = new Dictionary<string, (Customer Customer, bool IsAddress)>(StringComparer.OrdinalIgnoreCase);
        var threadKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var thread in batch.Messages.GroupBy(m => m.GroupKey, StringComparer.Ordinal))
        {
            if (thread.Any(m => plan.Links[m.Id].Count > 0 || batch.StoredLinks.ContainsKey(m.Id)))
            {
                continue;
            }

            var first = thread.Select(m => plan.Results[m.Id]).FirstOrDefault(r => r.Outcome == AssociationOutcome.Unmatched && r.Detail is not null);
            if (first is null)
            {
                continue;
            }

            threadKeys[thread.Key] = first.Detail!;
            if (!byKey.ContainsKey(first.Detail!))
            {
                var customer = new Customer { OrganizationId = organizationId, Name = first.Detail!, IsTemporary = true };
                if (first.DetailIsAddress)
                {
                    customer.Contacts.Add(new Contact { OrganizationId = organizationId, Email = first.Detail! });
                }
                else
                {
                    customer.Domains.Add(new CustomerDomain { OrganizationId = organizationId, Domain = first.Detail! });
                }

                byKey[first.Detail!] = (customer, first.DetailIsAddress);
            }
        }

        if (byKey.Count == 0)
        {
            return ([], 0);
        }

        // A concurrent writer may have made the same temporary customer since the directory was read: reuse it.
        var keys = byKey.Keys.ToList();
        var takenDomains = await db.CustomerDomains.Where(d => keys.Contains(d.Domain)).Select(d => new { d.Domain, d.CustomerId }).ToListAsync(ct);
        var takenContacts = await db.Contacts.Where(c => keys.Contains(c.Email)).Select(c => new { c.Email, c.CustomerId, c.Id }).ToListAsync(ct);
        var targets = new Dictionary<string, TemporaryTarget>(StringComparer.OrdinalIgnoreCase);
        var created = new List<(string Key, Customer Customer, bool IsAddress)>();
        foreach (var (key, (customer, isAddress)) in byKey)
        {
            var domainOwner = takenDomains.FirstOrDefault(d => string.Equals(d.Domain, key, StringComparison.OrdinalIgnoreCase));
            var contactOwner = takenContacts.FirstOrDefault(c => string.Equals(c.Email, key, StringComparison.OrdinalIgnoreCase));
            if (domainOwner is not null)
            {
                targets[key] = new TemporaryTarget(domainOwner.CustomerId, key, false, null);
            }
            else if (contactOwner is not null)
            {
                targets[key] = new TemporaryTarget(contactOwner.CustomerId, key, true, contactOwner.Id);
            }
            else
            {
                db.Customers.Add(customer);
                db.AuditEvents.Add(new AuditEvent
                {
                    OrganizationId = organizationId,
                    Action = "customer.temporary-created",
                    Target = customer.Name,
                    Details = "Import all emails: unmatched mail from " + key,
                    TraceId = Activity.Current?.TraceId.ToString(),
                    At = clock.GetUtcNow(),
                });
                created.Add((key, customer, isAddress));
            }
        }

        await db.SaveChangesAsync(ct);
        foreach (var (key, customer, isAddress) in created)
        {
            targets[key] = new TemporaryTarget(customer.Id, key, isAddress, isAddress ? customer.Contacts[0].Id : null);
        }

        if (created.Count > 0)
        {
            logger.LogInformation("Created {Count} temporary customers in {Organization}", created.Count, organizationId);
        }

        return (threadKeys.ToDictionary(kv => kv.Key, kv => targets[kv.Value], StringComparer.Ordinal), created.Count);
    }

    /// <summary>Writes the difference between the plan and the stored rows; counts what changed.</summary>
    private LinkSummary Apply(EmailSyncDbContext db, LoadedBatch batch, LinkPlanner.Plan plan)
    {
        int added = 0, removed = 0, updated = 0;
        var withoutBody = new List<long>();
        var now = clock.GetUtcNow();
        foreach (var message in batch.Messages)
        {
            var rows = batch.TrackedLinks.TryGetValue(message.Id, out var r) ? r : [];
            var planned = plan.Links[message.Id];
            var hadLive = rows.Exists(l => !l.IsSuppressed);
            foreach (var p in planned)
            {
                var row = rows.Find(l => l.CustomerId == p.CustomerId);
                if (row is null)
                {
                    db.EmailLinks.Add(new EmailLink
                    {
                        OrganizationId = batch.OrganizationId,
                        EmailMessageId = message.Id,
                        CustomerId = p.CustomerId,
                        ContactId = p.ContactId,
                        Reason = p.Reason,
                        MatchedValue = Truncate(p.MatchedValue, 320),
                        IsShared = p.IsShared,
                        CreatedAt = now,
                    });
                    added++;
                }
                else if (row.IsSuppressed)
                {
                    continue;
                }
                else if (row.Reason == MatchReason.Manual)
                {
                    row.IsShared = p.IsShared;
                }
                else if (row.Reason != p.Reason || row.ContactId != p.ContactId || row.MatchedValue != p.MatchedValue || row.IsShared != p.IsShared)
                {
                    row.Reason = p.Reason;
                    row.ContactId = p.ContactId;
                    row.MatchedValue = Truncate(p.MatchedValue, 320);
                    row.IsShared = p.IsShared;
                    updated++;
                }
            }

            foreach (var row in rows)
            {
                if (!row.IsSuppressed && row.Reason != MatchReason.Manual && !planned.Any(p => p.CustomerId == row.CustomerId))
                {
                    db.EmailLinks.Remove(row);
                    removed++;
                }
            }

            if (!hadLive && planned.Count > 0 && !message.BodyStored)
            {
                withoutBody.Add(message.Id);
            }
        }

        return new LinkSummary(batch.Messages.Count, added, removed, updated, 0, withoutBody);
    }

    internal sealed record LoadedBatch(
        Guid OrganizationId,
        List<StoredMessage> Messages,
        Dictionary<long, IReadOnlyList<StoredLink>> StoredLinks,
        Dictionary<long, List<EmailLink>> TrackedLinks);

    /// <summary>Loads the messages, whole threads included, with their participants and link rows.</summary>
    private static async Task<LoadedBatch> LoadThreadsAsync(EmailSyncDbContext db, IReadOnlyCollection<long> ids, bool withBody, bool tracked, CancellationToken ct)
    {
        var organizationId = db.TenantId ?? Guid.Empty;
        var seeds = await InChunksAsync(ids, chunk => db.EmailMessages.AsNoTracking()
            .Where(m => chunk.Contains(m.Id)).Select(m => new { m.Id, m.ThreadKey }).ToListAsync(ct));
        var threadKeys = seeds.Where(s => !string.IsNullOrEmpty(s.ThreadKey)).Select(s => s.ThreadKey!).Distinct(StringComparer.Ordinal).ToList();
        var threadIds = await InChunksAsync(threadKeys, chunk => db.EmailMessages.AsNoTracking()
            .Where(m => chunk.Contains(m.ThreadKey!)).Select(m => m.Id).ToListAsync(ct));
        var all = seeds.Select(s => s.Id).Concat(threadIds).Distinct().Order().ToList();

        var rows = await InChunksAsync(all, chunk => db.EmailMessages.AsNoTracking()
            .Where(m => chunk.Contains(m.Id))
            .Select(m => new { m.Id, m.ThreadKey, m.IsBulk, m.IsAutomated, m.Subject, m.BodyStored, Body = withBody ? m.BodyText : null })
            .ToListAsync(ct));
        var participants = (await InChunksAsync(all, chunk => db.EmailParticipants.AsNoTracking()
                .Where(p => chunk.Contains(p.EmailMessageId))
                .Select(p => new { p.Id, p.EmailMessageId, p.Kind, p.Address, p.Domain })
                .ToListAsync(ct)))
            .OrderBy(p => p.Id)
            .GroupBy(p => p.EmailMessageId)
            .ToDictionary(g => g.Key, g => g.Select(p => new CandidateParticipant(p.Kind, p.Address, p.Domain)).ToArray());
        var links = await InChunksAsync(all, chunk => (tracked ? db.EmailLinks : db.EmailLinks.AsNoTracking())
            .Where(l => chunk.Contains(l.EmailMessageId)).ToListAsync(ct));
        if (organizationId == Guid.Empty && rows.Count > 0)
        {
            organizationId = await db.EmailMessages.Where(m => m.Id == rows[0].Id).Select(m => m.OrganizationId).FirstAsync(ct);
        }

        var messages = rows.OrderBy(r => r.Id).Select(r => new StoredMessage(
            r.Id,
            r.ThreadKey,
            new AssociationCandidate
            {
                Participants = participants.TryGetValue(r.Id, out var ps) ? ps : [],
                IsBulk = r.IsBulk,
                IsAutomated = r.IsAutomated,
                Subject = r.Subject,
                BodyText = r.Body,
            },
            r.BodyStored)).ToList();
        var tracking = links.GroupBy(l => l.EmailMessageId).ToDictionary(g => g.Key, g => g.ToList());
        var stored = tracking.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<StoredLink>)kv.Value.Select(l => new StoredLink(l.CustomerId, l.ContactId, l.Reason, l.MatchedValue, l.IsSuppressed)).ToList());
        return new LoadedBatch(organizationId, messages, stored, tracking);
    }

    /// <summary>Ids of stored messages a scope touches: by participant address or domain, or by what their links matched.</summary>
    internal static async Task<List<long>> AffectedMessageIdsAsync(EmailSyncDbContext db, ReassociationScope scope, CancellationToken ct)
    {
        if (scope.Everything)
        {
            return await db.EmailMessages.AsNoTracking().OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(ct);
        }

        if (scope.IsEmpty)
        {
            return [];
        }

        var domains = scope.Domains.Select(d => d.ToLowerInvariant()).ToList();
        var addresses = scope.Addresses.Select(a => a.ToLowerInvariant()).ToList();

        // Participant domains are few next to participants: pick the ones in scope (subdomains too) in memory.
        var knownDomains = await db.EmailParticipants.AsNoTracking().Select(p => p.Domain).Distinct().ToListAsync(ct);
        var inScope = knownDomains.Where(k => domains.Exists(d => string.Equals(k, d, StringComparison.OrdinalIgnoreCase)
            || k.EndsWith("." + d, StringComparison.OrdinalIgnoreCase))).ToList();

        var ids = new HashSet<long>();
        ids.UnionWith(await InChunksAsync(inScope, chunk => db.EmailParticipants.AsNoTracking()
            .Where(p => chunk.Contains(p.Domain)).Select(p => p.EmailMessageId).ToListAsync(ct)));
        ids.UnionWith(await InChunksAsync(addresses, chunk => db.EmailParticipants.AsNoTracking()
            .Where(p => chunk.Contains(p.Address.ToLower())).Select(p => p.EmailMessageId).ToListAsync(ct)));
        var values = domains.Concat(addresses).ToList();
        ids.UnionWith(await InChunksAsync(values, chunk => db.EmailLinks.AsNoTracking()
            .Where(l => chunk.Contains(l.MatchedValue)).Select(l => l.EmailMessageId).ToListAsync(ct)));
        return [.. ids.Order()];
    }

    private static async Task<List<TResult>> InChunksAsync<TKey, TResult>(IReadOnlyCollection<TKey> keys, Func<List<TKey>, Task<List<TResult>>> query)
    {
        var results = new List<TResult>();
        foreach (var chunk in keys.Chunk(ChunkSize))
        {
            results.AddRange(await query([.. chunk]));
        }

        return results;
    }

    private Guid CurrentOrganization() => tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
