using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Timeline;

/// <summary>The customers list: search, sort and server paging with last inbound/outbound and emails in the window.</summary>
public sealed class CustomerDirectory(IEmailSyncDbContextFactory factory, TimeProvider clock)
{
    public async Task<CustomerRowPage> ListAsync(
        string? search, CustomerSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var windowDays = await WindowDaysAsync(db, ct);
        var since = clock.GetUtcNow().AddDays(-windowDays);

        var customers = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLower();
            customers = customers.Where(c => c.Name.ToLower().Contains(term)
                || c.Domains.Any(d => d.Domain.Contains(term))
                || c.Contacts.Any(k => k.Email.ToLower().Contains(term) || (k.Name != null && k.Name.ToLower().Contains(term))));
        }

        var total = await customers.CountAsync(ct);
        var links = db.EmailLinks.Where(l => !l.IsSuppressed);
        var rows = customers.Select(c => new
        {
            c.Id,
            c.Name,
            c.IsTemporary,
            LastInbound = links.Where(l => l.CustomerId == c.Id)
                .Join(db.EmailMessages, l => l.EmailMessageId, m => m.Id, (l, m) => m)
                .Where(m => m.Direction == EmailDirection.Inbound)
                .Max(m => (DateTimeOffset?)m.SentAt),
            LastOutbound = links.Where(l => l.CustomerId == c.Id)
                .Join(db.EmailMessages, l => l.EmailMessageId, m => m.Id, (l, m) => m)
                .Where(m => m.Direction == EmailDirection.Outbound)
                .Max(m => (DateTimeOffset?)m.SentAt),
            InWindow = links.Where(l => l.CustomerId == c.Id)
                .Join(db.EmailMessages, l => l.EmailMessageId, m => m.Id, (l, m) => m)
                .Count(m => m.SentAt >= since),
        });

        rows = (sort, descending) switch
        {
            (CustomerSort.LastInbound, false) => rows.OrderBy(r => r.LastInbound).ThenBy(r => r.Name),
            (CustomerSort.LastInbound, true) => rows.OrderByDescending(r => r.LastInbound).ThenBy(r => r.Name),
            (CustomerSort.LastOutbound, false) => rows.OrderBy(r => r.LastOutbound).ThenBy(r => r.Name),
            (CustomerSort.LastOutbound, true) => rows.OrderByDescending(r => r.LastOutbound).ThenBy(r => r.Name),
            (CustomerSort.EmailsInWindow, false) => rows.OrderBy(r => r.InWindow).ThenBy(r => r.Name),
            (CustomerSort.EmailsInWindow, true) => rows.OrderByDescending(r => r.InWindow).ThenBy(r => r.Name),
            (_, true) => rows.OrderByDescending(r => r.Name),
            _ => rows.OrderBy(r => r.Name),
        };

        var page = await rows.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        var ids = page.Select(r => r.Id).ToList();
        var domains = (await db.CustomerDomains.AsNoTracking().Where(d => ids.Contains(d.CustomerId)).Select(d => new { d.CustomerId, d.Domain }).ToListAsync(ct))
            .ToLookup(d => d.CustomerId, d => d.Domain);
        var items = page.Select(r => new CustomerRow(r.Id, r.Name, domains[r.Id].Order(StringComparer.Ordinal).ToList(), r.IsTemporary, r.LastInbound, r.LastOutbound, r.InWindow)).ToList();
        return new CustomerRowPage(items, total, windowDays);
    }

    internal static async Task<int> WindowDaysAsync(EmailSyncDbContext db, CancellationToken ct)
    {
        var organizationId = db.TenantId;
        var days = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => (int?)o.BackfillDays).FirstOrDefaultAsync(ct);
        return Math.Clamp(days ?? Organization.DefaultBackfillDays, Organization.MinBackfillDays, Organization.MaxBackfillDays);
    }
}
