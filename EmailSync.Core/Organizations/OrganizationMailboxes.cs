using EmailSync.Core.Customers;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Sync;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Organizations;

/// <summary>A member of the organization and their Gmail connection (null when they never connected).</summary>
public sealed record MemberMailbox(string UserId, string DisplayName, string Email, OrganizationRole Role, MailboxView? Mailbox)
{
    public MailboxStatus Status => Mailbox?.Status ?? MailboxStatus.NotConnected;
}

/// <summary>Every member of the current organization with their mailbox, for the admins' users table.</summary>
public sealed class OrganizationMailboxes(IEmailSyncDbContextFactory factory, ITenantContext tenant, MailboxConnections connections)
{
    public async Task<IReadOnlyList<MemberMailbox>> ListAsync(CancellationToken ct = default)
    {
        var organizationId = tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");

        // Users and connections are not tenant rows: read them through the organization's memberships.
        await using var db = factory.CreateSystem();
        var members = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId)
            .Select(m => new { m.UserId, m.Role, m.User!.DisplayName, m.User.Email })
            .ToListAsync(ct);
        var userIds = members.Select(m => m.UserId).ToList();
        var mailboxes = await db.MailboxConnections.AsNoTracking()
            .Where(c => userIds.Contains(c.UserId))
            .Select(c => new
            {
                c.UserId,
                View = new MailboxView(c.Id, c.GoogleAccount, c.Status, c.GrantedScopes.Contains(GmailScopes.Send), c.ListedCount, c.FetchedCount,
                    c.TotalEstimate, c.LastSyncAt, c.LastError, c.LastErrorTraceId, c.LastErrorAt),
            })
            .ToListAsync(ct);
        var byUser = mailboxes.GroupBy(m => m.UserId).ToDictionary(g => g.Key, g => g.First().View);
        return members
            .Select(m => new MemberMailbox(m.UserId, string.IsNullOrWhiteSpace(m.DisplayName) ? m.Email ?? "" : m.DisplayName, m.Email ?? "", m.Role, byUser.GetValueOrDefault(m.UserId)))
            .OrderBy(m => m.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    /// <summary>"Sync now" for a member's mailbox; refused for mailboxes outside the organization.</summary>
    public async Task RequestSyncAsync(long connectionId, CancellationToken ct = default)
    {
        var organizationId = tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");
        await using (var db = factory.CreateSystem())
        {
            var members = db.Memberships.Where(m => m.OrganizationId == organizationId).Select(m => m.UserId);
            if (!await db.MailboxConnections.AnyAsync(c => c.Id == connectionId && members.Contains(c.UserId), ct))
            {
                throw new ValidationException("That mailbox does not belong to a member of this organization.");
            }
        }

        await connections.RequestSyncAsync(connectionId, ct);
    }
}
