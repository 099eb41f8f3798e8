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
        // Grouped passes over the organization's links joined once to the customers: far cheaper than correlated
        // subqueries per customer once there are thousands of customers.
        var mail = db.EmailLinks.Where(l => !l.IsSuppressed)
            .Join(db.EmailMessages, l => l.EmailMessageId, m => m.Id, (l, m) => new { l.CustomerId, m.Direction, m.SentAt });
        var inbound = mail.Where(x => x.Direction == EmailDirection.Inbound).GroupBy(x => x.CustomerId).Select(g => new { CustomerId = g.Key, Last = g.Max(x => x.SentAt) });
        var outbound = mail.Where(x => x.Direction == EmailDirection.Outbound).GroupBy(x => x.CustomerId).Select(g => new { CustomerId = g.Key, Last = g.Max(x => x.SentAt) });
        var recent = mail.Where(x => x.SentAt >= since).GroupBy(x => x.CustomerId).Select(g => new { CustomerId = g.Key, Count = g.Count() });
        var rows = from c in customers
                   join i in inbound on c.Id equals i.CustomerId into ins
                   from i in ins.DefaultIfEmpty()
                   join o in outbound on c.Id equals o.CustomerId into outs
                   from o in outs.DefaultIfEmpty()
                   join r in recent on c.Id equals r.CustomerId into recents
                   from r in recents.DefaultIfEmpty()
                   select new
                   {
                       c.Id,
                       c.Name,
                       c.IsTemporary,
                       LastInbound = (DateTimeOffset?)i!.Last,
                       LastOutbound = (DateTimeOffset?)o!.Last,
                       InWindow = (int?)r!.Count ?? 0,
                   };

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
