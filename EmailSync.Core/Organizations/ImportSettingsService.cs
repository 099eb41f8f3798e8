using EmailSync.Core.Association;
using EmailSync.Core.Customers;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Sync;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Organizations;

/// <summary>The organization's import settings, as the settings page edits them.</summary>
public sealed record ImportSettings(bool GmailImportEnabled, SyncScope SyncScope, bool ImportAllEmails, int BackfillDays);

/// <summary>
/// "Import emails and aliases": the organization switch, the sync scope, the backfill window and
/// "Import all emails". Every change is audited; a change to what is imported asks the members'
/// mailboxes to sync at once.
/// </summary>
public sealed class ImportSettingsService(
    IEmailSyncDbContextFactory factory,
    AuditLog audit,
    ITenantContext tenant,
    AssociationDirectoryCache directories,
    SyncTrigger trigger,
    TimeProvider clock)
{
    public async Task<ImportSettings> GetAsync(CancellationToken ct = default)
    {
        var organizationId = CurrentOrganization();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId)
            .Select(o => new ImportSettings(o.GmailImportEnabled, o.SyncScope, o.ImportAllEmails, o.BackfillDays))
            .FirstAsync(ct);
    }

    /// <summary>The organization switch "Import emails from Gmail".</summary>
    public async Task SetGmailImportAsync(bool enabled, CancellationToken ct = default)
    {
        var organizationId = CurrentOrganization();
        await using var db = await factory.CreateDbContextAsync(ct);
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        if (org.GmailImportEnabled == enabled)
        {
            return;
        }

        org.GmailImportEnabled = enabled;
        db.AuditEvents.Add(audit.Create(enabled ? "import.enabled" : "import.disabled", org.Name));
        await db.SaveChangesAsync(ct);
        if (enabled)
        {
            await RequestMemberSyncAsync(organizationId, ct);
        }
    }

    /// <summary>Validates and saves the scope, the backfill window (1–365 days) and "Import all emails".</summary>
    public async Task UpdateAsync(SyncScope scope, int backfillDays, bool importAllEmails, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(scope))
        {
            throw new ValidationException("Choose what to import: mail of your aliases, or threads with your customers.");
        }

        if (backfillDays is < Organization.MinBackfillDays or > Organization.MaxBackfillDays)
        {
            throw new ValidationException($"The backfill window must be between {Organization.MinBackfillDays} and {Organization.MaxBackfillDays} days.");
        }

        var organizationId = CurrentOrganization();
        await using var db = await factory.CreateDbContextAsync(ct);
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        var changes = new List<string>();
        if (org.SyncScope != scope)
        {
            changes.Add($"scope {Describe(org.SyncScope)} → {Describe(scope)}");
        }

        if (org.BackfillDays != backfillDays)
        {
            changes.Add($"backfill {org.BackfillDays} → {backfillDays} days");
        }

        if (org.ImportAllEmails != importAllEmails)
        {
            changes.Add($"import all emails {(importAllEmails ? "on" : "off")}");
        }

        if (changes.Count == 0)
        {
            return;
        }

        var importAllChanged = org.ImportAllEmails != importAllEmails;
        var importChanged = org.SyncScope != scope || org.BackfillDays != backfillDays;
        org.SyncScope = scope;
        org.BackfillDays = backfillDays;
        org.ImportAllEmails = importAllEmails;
        if (importAllChanged)
        {
            // "Import all emails" is part of the association rules (temporary customers).
            org.MatchingVersion++;
        }

        db.AuditEvents.Add(audit.Create("import.settings-changed", org.Name, string.Join("; ", changes)));
        await db.SaveChangesAsync(ct);
        if (importAllChanged)
        {
            directories.Invalidate(organizationId);
        }

        if (importChanged && org.GmailImportEnabled)
        {
            await RequestMemberSyncAsync(organizationId, ct);
        }
    }

    public static string Describe(SyncScope scope) => scope == SyncScope.Aliases ? "aliases" : "customer threads";

    private async Task RequestMemberSyncAsync(Guid organizationId, CancellationToken ct)
    {
        await using var system = factory.CreateSystem();
        var members = system.Memberships.Where(m => m.OrganizationId == organizationId).Select(m => m.UserId);
        var now = clock.GetUtcNow();
        var ids = await system.MailboxConnections
            .Where(c => members.Contains(c.UserId) && c.EncryptedRefreshToken != null)
            .Select(c => c.Id)
            .ToListAsync(ct);
        if (ids.Count == 0)
        {
            return;
        }

        await system.MailboxConnections.Where(c => ids.Contains(c.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.SyncRequestedAt, now).SetProperty(c => c.NextAttemptAt, (DateTimeOffset?)null), ct);
        ids.ForEach(trigger.Request);
    }

    private Guid CurrentOrganization() => tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");
}
