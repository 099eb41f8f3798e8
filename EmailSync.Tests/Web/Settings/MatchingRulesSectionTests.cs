using Bunit;
using EmailSync.Core.Association;
using EmailSync.Web.Components.Pages.Settings.Components;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Web.Settings;

/// <summary>Matching rules: a refused value never reaches Apply; a valid one is previewed, applied and audited.</summary>
public sealed class MatchingRulesSectionTests(SettingsHost host) : SettingsComponentTest(host)
{
    [Fact]
    public void AFreeMailDomainAsInternal_IsRefusedInThePreview_AndCannotBeApplied()
    {
        var dialogs = RenderProviders();
        var section = Render<MatchingRulesSection>();
        section.WaitForElement("[data-testid=internal-domains] input").Input("gmail.com");
        section.Find("[data-testid=internal-domains] [data-testid=rule-add]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("gmail.com is a free-mail domain", dialogs.Find("[data-testid=rule-change-error]").TextContent, StringComparison.Ordinal));
        Assert.True(dialogs.Find("[data-testid=rule-change-apply]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AnExclusion_IsPreviewedThenApplied_AndAudited()
    {
        var dialogs = RenderProviders();
        var section = Render<MatchingRulesSection>();
        section.WaitForElement("[data-testid=exclusions] input").Input("CEO@Globex.com");
        section.Find("[data-testid=exclusions] [data-testid=rule-add]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("0", dialogs.Find("[data-testid=preview-count]").TextContent));
        dialogs.Find("[data-testid=rule-change-apply]").Click();
        section.WaitForAssertion(() => Assert.Contains("ceo@globex.com", section.Find("[data-testid=exclusions]").TextContent, StringComparison.Ordinal));

        Assert.Equal(["ceo@globex.com"], (await Get<MatchingRulesService>().GetAsync()).ExcludedAddresses);
        await using var db = SystemDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "matching.exclusion-added" && a.Target == "ceo@globex.com"));
    }
}
