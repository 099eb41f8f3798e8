using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Timeline;

/// <summary>
/// Customer 360 reads for the current organization: the header, the timeline grouped by thread (keyset paged,
/// newest first), a thread's emails, and one email's content. Read-only; every query is tenant-scoped.
/// </summary>
public sealed class TimelineService(IEmailSyncDbContextFactory factory, ITenantContext tenant, TimeProvider clock)
{
    public const int DefaultPageSize = 25;

    /// <summary>The signed-in user's IANA time zone from their profile, or null when they have not set one.</summary>
    public async Task<string?> GetUserTimeZoneIdAsync(CancellationToken ct = default)
    {
        if (tenant.UserId is not { } userId)
        {
            return null;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.TimeZoneId).FirstOrDefaultAsync(ct);
    }

    public async Task<CustomerHeader?> GetHeaderAsync(long customerId, TimeZoneInfo timeZone, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.Id, c.Name, c.IsTemporary, c.HealthScore, c.EngagementScore, c.SentimentScore })
            .FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }

        var domains = await db.CustomerDomains.AsNoTracking().Where(d => d.CustomerId == customerId).OrderBy(d => d.Domain).Select(d => d.Domain).ToListAsync(ct);
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.CustomerId == customerId)
            .OrderByDescending(c => c.IsChampion).ThenBy(c => c.Name ?? c.Email)
            .Select(c => new ContactSummary(c.Id, c.Email, c.Name, c.IsChampion))
            .ToListAsync(ct);

        var windowDays = await CustomerDirectory.WindowDaysAsync(db, ct);
        var now = clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, timeZone);
        var monthStartLocal = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var monthStart = new DateTimeOffset(monthStartLocal, timeZone.GetUtcOffset(monthStartLocal));
        var windowStart = now.AddDays(-windowDays);

        // One pass over the customer's mail for all four figures.
        var stats = await Linked(db, customerId)
            .GroupBy(m => 1)
            .Select(g => new
            {
                LastInbound = g.Max(m => m.Direction == EmailDirection.Inbound ? (DateTimeOffset?)m.SentAt : null),
                LastOutbound = g.Max(m => m.Direction == EmailDirection.Outbound ? (DateTimeOffset?)m.SentAt : null),
                ThisMonth = g.Count(m => m.SentAt >= monthStart),
                InWindow = g.Count(m => m.SentAt >= windowStart),
            })
            .FirstOrDefaultAsync(ct);
        var (lastInbound, lastOutbound, thisMonth, inWindow) = stats is null ? (null, null, 0, 0) : (stats.LastInbound, stats.LastOutbound, stats.ThisMonth, stats.InWindow);

        return new CustomerHeader(customer.Id, customer.Name, customer.IsTemporary, domains, contacts, customer.HealthScore, customer.EngagementScore,
            customer.SentimentScore, lastInbound, lastOutbound, thisMonth, inWindow, windowDays);
    }

    /// <summary>One page of threads, newest activity first. <paramref name="after"/> continues from a previous page.</summary>
    public async Task<TimelinePage> GetPageAsync(long customerId, TimelineFilter? filter = null, TimelineCursor? after = null, int pageSize = DefaultPageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await factory.CreateDbContextAsync(ct);
        var messages = await ApplyFilterAsync(db, Linked(db, customerId), customerId, filter ?? TimelineFilter.None, ct);

        var threads = messages
            .GroupBy(m => m.ThreadKey ?? "#" + m.Id.ToString())
            .Select(g => new { Key = g.Key, LastAt = g.Max(m => m.SentAt), Count = g.Count() });
        if (after is not null)
        {
            threads = threads.Where(t => t.LastAt < after.LastAt || (t.LastAt == after.LastAt && string.Compare(t.Key, after.Key) < 0));
        }

        var page = await threads.OrderByDescending(t => t.LastAt).ThenByDescending(t => t.Key).Take(pageSize + 1).ToListAsync(ct);
        var hasMore = page.Count > pageSize;
        if (hasMore)
        {
            page.RemoveAt(page.Count - 1);
        }

        if (page.Count == 0)
        {
            return new TimelinePage([], null);
        }

        // The newest matching email of each thread on the page.
        var keys = page.Select(p => p.Key).ToList();
        var threadKeys = keys.Where(k => !k.StartsWith('#')).ToList();
        var singleIds = keys.Where(k => k.StartsWith('#')).Select(k => long.Parse(k.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var candidates = await messages
            .Where(m => (m.ThreadKey != null && threadKeys.Contains(m.ThreadKey)) || (m.ThreadKey == null && singleIds.Contains(m.Id)))
            .Select(m => new { m.Id, m.ThreadKey, m.SentAt })
            .ToListAsync(ct);
        var latestIds = candidates
            .GroupBy(c => c.ThreadKey ?? "#" + c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.SentAt).ThenByDescending(c => c.Id).First().Id);
        var emails = (await LoadEmailsAsync(db, customerId, [.. latestIds.Values], ct)).ToDictionary(e => e.Id);

        var result = page
            .Where(p => latestIds.ContainsKey(p.Key) && emails.ContainsKey(latestIds[p.Key]))
            .Select(p => new TimelineThread(p.Key, p.Count, p.LastAt, emails[latestIds[p.Key]]))
            .ToList();
        var last = page[^1];
        return new TimelinePage(result, hasMore ? new TimelineCursor(last.LastAt, last.Key) : null);
    }

    /// <summary>Every email of a thread that is on this customer's timeline, oldest first (as a conversation reads).</summary>
    public async Task<IReadOnlyList<TimelineEmail>> GetThreadAsync(long customerId, string threadKey, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var linked = Linked(db, customerId);
        var ids = threadKey.StartsWith('#')
            ? await linked.Where(m => m.Id == long.Parse(threadKey.Substring(1))).Select(m => m.Id).ToListAsync(ct)
            : await linked.Where(m => m.ThreadKey == threadKey).Select(m => m.Id).ToListAsync(ct);
        var emails = await LoadEmailsAsync(db, customerId, ids, ct);
        return [.. emails.OrderBy(e => e.SentAt).ThenBy(e => e.Id)];
    }

    /// <summary>One email as a timeline row (e.g. a reply just sent), or null when it is not on this customer's timeline.</summary>
    public async Task<TimelineEmail?> GetEmailAsync(long customerId, long messageId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await LoadEmailsAsync(db, customerId, [messageId], ct)).FirstOrDefault();
    }

    /// <summary>The body of an email of this organization (raw HTML: sanitise at render time), or null.</summary>
    public async Task<EmailContent?> GetContentAsync(long messageId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var message = await db.EmailMessages.AsNoTracking().Where(m => m.Id == messageId)
            .Select(m => new { m.Id, m.Subject, m.BodyStored, m.BodyText, m.QuotedText, m.BodyHtml, m.ParseWarnings })
            .FirstOrDefaultAsync(ct);
        if (message is null)
        {
            return null;
        }

        var inline = await db.EmailAttachments.AsNoTracking()
            .Where(a => a.EmailMessageId == messageId && a.ContentId != null)
            .Select(a => new { a.Id, a.ContentId })
            .ToListAsync(ct);
        var parts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in inline)
        {
            parts.TryAdd(part.ContentId!.Trim('<', '>', ' '), part.Id);
        }

        var importedFrom = await db.EmailSources.AsNoTracking().Where(s => s.EmailMessageId == messageId)
            .Join(db.MailboxConnections, s => s.MailboxConnectionId, c => c.Id, (s, c) => c.GoogleAccount)
            .FirstOrDefaultAsync(ct);
        return new EmailContent(message.Id, message.Subject, message.BodyStored, message.BodyText, message.QuotedText, message.BodyHtml, parts,
            message.ParseWarnings, importedFrom);
    }

    /// <summary>The customer's emails (links not suppressed), from the link index rather than a scan of all mail.</summary>
    private static IQueryable<EmailMessage> Linked(EmailSyncDbContext db, long customerId) =>
        db.EmailLinks.AsNoTracking()
            .Where(l => l.CustomerId == customerId && !l.IsSuppressed)
            .Join(db.EmailMessages.AsNoTracking(), l => l.EmailMessageId, m => m.Id, (l, m) => m);

    private static async Task<IQueryable<EmailMessage>> ApplyFilterAsync(EmailSyncDbContext db, IQueryable<EmailMessage> query, long customerId, TimelineFilter filter, CancellationToken ct)
    {
        if (filter.Direction is { } direction)
        {
            query = query.Where(m => m.Direction == direction);
        }

        if (filter.Since is { } since)
        {
            query = query.Where(m => m.SentAt >= since);
        }

        if (filter.Until is { } until)
        {
            query = query.Where(m => m.SentAt < until);
        }

        if (filter.HasAttachment)
        {
            query = query.Where(m => m.HasAttachments);
        }

        if (filter.ContactId is { } contactId)
        {
            var email = await db.Contacts.AsNoTracking().Where(c => c.Id == contactId && c.CustomerId == customerId).Select(c => c.Email).FirstOrDefaultAsync(ct);
            var address = (email ?? "").ToLower();
            query = query.Where(m => m.Participants.Any(p => p.Address == address));
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var term = filter.Text.Trim().ToLower();
            query = query.Where(m => m.Subject.ToLower().Contains(term)
                || m.Snippet.ToLower().Contains(term)
                || m.FromAddress.Contains(term)
                || (m.FromName != null && m.FromName.ToLower().Contains(term))
                || (m.BodyText != null && m.BodyText.ToLower().Contains(term)));
        }

        return query;
    }

    private static async Task<List<TimelineEmail>> LoadEmailsAsync(EmailSyncDbContext db, long customerId, List<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await db.EmailMessages.AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.ThreadKey, m.Direction, m.Subject, m.Snippet, m.SentAt, m.FromAddress, m.FromName, m.BodyStored, m.Sentiment, m.KeywordHits })
            .ToListAsync(ct);
        var participants = (await db.EmailParticipants.AsNoTracking()
                .Where(p => ids.Contains(p.EmailMessageId) && (p.Kind == ParticipantKind.From || p.Kind == ParticipantKind.To || p.Kind == ParticipantKind.Cc))
                .Select(p => new { p.EmailMessageId, p.Id, p.Kind, p.Address, p.DisplayName })
                .ToListAsync(ct))
            .OrderBy(p => p.Id)
            .ToLookup(p => p.EmailMessageId);
        var attachments = (await db.EmailAttachments.AsNoTracking().Where(a => ids.Contains(a.EmailMessageId))
                .Select(a => new { a.EmailMessageId, Row = new TimelineAttachment(a.Id, a.FileName, a.ContentType, a.Size, a.ContentId, a.Content != null) })
                .ToListAsync(ct))
            .ToLookup(a => a.EmailMessageId, a => a.Row);
        var links = (await db.EmailLinks.AsNoTracking().Where(l => ids.Contains(l.EmailMessageId) && !l.IsSuppressed)
                .Select(l => new { l.EmailMessageId, l.CustomerId, CustomerName = l.Customer!.Name, l.Reason, l.MatchedValue })
                .ToListAsync(ct))
            .ToLookup(l => l.EmailMessageId);

        var result = new List<TimelineEmail>(rows.Count);
        foreach (var m in rows)
        {
            var own = links[m.Id].FirstOrDefault(l => l.CustomerId == customerId);
            if (own is null)
            {
                continue;
            }

            var people = participants[m.Id].ToList();
            var from = people.FirstOrDefault(p => p.Kind == ParticipantKind.From) is { } f
                ? new EmailPerson(f.Address, f.DisplayName)
                : new EmailPerson(m.FromAddress, m.FromName);
            result.Add(new TimelineEmail(
                m.Id,
                m.ThreadKey ?? "#" + m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                m.Direction,
                m.Subject,
                m.Snippet,
                m.SentAt,
                from,
                [.. people.Where(p => p.Kind == ParticipantKind.To).Select(p => new EmailPerson(p.Address, p.DisplayName))],
                [.. people.Where(p => p.Kind == ParticipantKind.Cc).Select(p => new EmailPerson(p.Address, p.DisplayName))],
                [.. attachments[m.Id]],
                new TimelineLinkReason(own.Reason, own.MatchedValue),
                [.. links[m.Id].Where(l => l.CustomerId != customerId).OrderBy(l => l.CustomerName).Select(l => new SharedCustomer(l.CustomerId, l.CustomerName))],
                m.BodyStored,
                m.Sentiment,
                m.KeywordHits));
        }

        return result;
    }
}
