using Bunit;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Web.Components.Pages.Settings.Components;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Web.Settings;

/// <summary>The organization switch and the import options.</summary>
public sealed class ImportSettingsSectionTests(SettingsHost host) : SettingsComponentTest(host)
{
    [Fact]
    public async Task ImportSwitch_TurnsImportOffAndOn_AndWritesAuditEvents()
    {
        RenderProviders();
        var section = Render<ImportSettingsSection>();
        section.WaitForAssertion(() => Assert.Equal("true", Switch(section).GetAttribute("aria-checked")));

        Switch(section).Change(false);
        section.WaitForAssertion(() => Assert.Equal("false", Switch(section).GetAttribute("aria-checked")));
        Assert.False((await Get<ImportSettingsService>().GetAsync()).GmailImportEnabled);

        Switch(section).Change(true);
        section.WaitForAssertion(() => Assert.Equal("true", Switch(section).GetAttribute("aria-checked")));
        Assert.True((await Get<ImportSettingsService>().GetAsync()).GmailImportEnabled);

        await using var db = SystemDb();
        var actions = await db.AuditEvents.Where(a => a.OrganizationId == OrganizationId && a.Action.StartsWith("import.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(["import.disabled", "import.enabled"], actions);
    }

    [Fact]
    public async Task BackfillOutsideOneTo365_IsRefusedWithAMessage_AndValidOptionsAreSaved()
    {
        RenderProviders();
        var section = Render<ImportSettingsSection>();
        section.WaitForElement("input[data-testid=backfill-days]");

        section.Find("input[data-testid=backfill-days]").Input("400");
        section.WaitForAssertion(() => Assert.Contains("Enter a number of days from 1 to 365.", section.Markup, StringComparison.Ordinal));
        section.WaitForAssertion(() => Assert.True(section.Find("[data-testid=save-import]").HasAttribute("disabled")));

        section.Find("input[data-testid=backfill-days]").Input("30");
        section.Find("input[data-testid=import-all]").Change(true);
        section.WaitForAssertion(() => Assert.False(section.Find("[data-testid=save-import]").HasAttribute("disabled")));
        section.Find("[data-testid=save-import]").Click();

        section.WaitForAssertion(() => Assert.True(section.Find("[data-testid=save-import]").HasAttribute("disabled")));
        var saved = await Get<ImportSettingsService>().GetAsync();
        Assert.Equal(30, saved.BackfillDays);
        Assert.True(saved.ImportAllEmails);
        Assert.Equal(SyncScope.Aliases, saved.SyncScope);
        await using var db = SystemDb();
        var details = await db.AuditEvents.Where(a => a.Action == "import.settings-changed").Select(a => a.Details).SingleAsync();
        Assert.Contains("backfill 90 → 30 days", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_RefusesABackfillWindowOutOfRange()
    {
        var error = await Assert.ThrowsAsync<EmailSync.Core.Customers.ValidationException>(() => Get<ImportSettingsService>().UpdateAsync(SyncScope.Aliases, 0, false));
        Assert.Contains("between 1 and 365", error.Message, StringComparison.Ordinal);
    }

    private static AngleSharp.Dom.IElement Switch(IRenderedComponent<ImportSettingsSection> section) => section.Find("input[data-testid=import-switch]");
}
