using Bunit;
using EmailSync.Core.Customers;
using EmailSync.Core.Organizations;
using EmailSync.Web.Components.Pages.Settings.Components;
using Microsoft.EntityFrameworkCore;
using System.Text.RegularExpressions;

namespace EmailSync.Tests.Web.Settings;

/// <summary>Aliases: add (validated), verify with the code mailed to the alias (the emulator's mailbox here), sync switch, remove.</summary>
public sealed partial class AliasesSectionTests(SettingsHost host) : SettingsComponentTest(host)
{
    private const string Billing = "billing@northwind.example";

    [Fact]
    public async Task Admin_AddsAnAlias_VerifiesItWithTheMailedCode_TogglesSync_AndRemovesIt()
    {
        var dialogs = RenderProviders();
        var section = Render<AliasesSection>();
        section.WaitForElement("[data-testid=aliases-table]");

        section.Find("input[data-testid=alias-address]").Input(" Billing@Northwind.example ");
        section.Find("[data-testid=alias-add]").Click();

        // The verification dialog opens; the code went to the emulator mailbox that receives the alias.
        dialogs.WaitForElement("input[data-testid=alias-code]", TimeSpan.FromSeconds(10));
        var code = await CodeMailedToAsync(Billing);
        await using (var db = SystemDb())
        {
            var stored = await db.Aliases.SingleAsync(a => a.Address == Billing);
            Assert.False(stored.IsVerified);
            Assert.StartsWith("v1.0.", stored.VerificationCodeHash, StringComparison.Ordinal);
            Assert.DoesNotContain(code, stored.VerificationCodeHash!, StringComparison.Ordinal);
        }

        var wrong = code == "000000" ? "111111" : "000000";
        dialogs.Find("input[data-testid=alias-code]").Input(wrong);
        dialogs.Find("[data-testid=alias-code-submit]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("That code is not right. 4 tries left.", dialogs.Markup, StringComparison.Ordinal));

        dialogs.Find("input[data-testid=alias-code]").Input(code);
        dialogs.Find("[data-testid=alias-code-submit]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("input[data-testid=alias-code]")));
        section.WaitForAssertion(() => Assert.Contains("Verified", Row(section, Billing).TextContent, StringComparison.Ordinal));

        // Per-alias sync switch.
        Row(section, Billing).QuerySelector("input[data-testid=alias-sync]")!.Change(false);
        section.WaitForAssertion(() => Assert.Equal("false", Row(section, Billing).QuerySelector("input[data-testid=alias-sync]")!.GetAttribute("aria-checked")));
        await using (var db = SystemDb())
        {
            var stored = await db.Aliases.SingleAsync(a => a.Address == Billing);
            Assert.True(stored.IsVerified);
            Assert.False(stored.SyncEnabled);
            Assert.Null(stored.VerificationCodeHash);
        }

        // Remove, after a confirmation.
        Row(section, Billing).QuerySelector("[data-testid=alias-remove]")!.Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Remove billing@northwind.example?", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();
        section.WaitForAssertion(() => Assert.DoesNotContain(Billing, section.Find("[data-testid=aliases-table]").TextContent, StringComparison.Ordinal));

        await using (var db = SystemDb())
        {
            Assert.False(await db.Aliases.AnyAsync(a => a.Address == Billing));
            var actions = await db.AuditEvents.Where(a => a.Target == Billing).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
            Assert.Equal(["alias.added", "alias.code-sent", "alias.verification-failed", "alias.verified", "alias.sync-disabled", "alias.removed"], actions);
        }
    }

    [Theory]
    [InlineData("collections@northwind.example", "collections@northwind.example is already an alias of your organization.")]
    [InlineData("not-an-address", "'not-an-address' is not a valid email address")]
    [InlineData("  ", "Enter the alias address")]
    public void AddingADuplicateOrMalformedAlias_IsRefusedWithAClearMessage(string address, string message)
    {
        RenderProviders();
        var section = Render<AliasesSection>();
        section.WaitForElement("[data-testid=aliases-table]");

        section.Find("input[data-testid=alias-address]").Input(address);
        section.Find("[data-testid=alias-add]").Click();

        section.WaitForAssertion(() => Assert.Contains(message, section.Markup, StringComparison.Ordinal));
        Assert.Equal(EmailSync.Web.Hosting.DemoOptions.Aliases.Length, section.FindAll("[data-testid=alias-row-address]").Count);
    }

    [Fact]
    public async Task FiveWrongCodes_LockTheCode_UntilANewOneIsSent()
    {
        var aliases = Get<AliasService>();
        var added = await aliases.AddAsync(Billing);
        var code = await CodeMailedToAsync(Billing);
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < AliasService.MaxAttempts; i++)
        {
            await Assert.ThrowsAsync<ValidationException>(() => aliases.VerifyAsync(added.Id, wrong));
        }

        var locked = await Assert.ThrowsAsync<ValidationException>(() => aliases.VerifyAsync(added.Id, code));
        Assert.Contains("Too many wrong codes", locked.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await aliases.ListAsync()).Single(a => a.Id == added.Id).AttemptsLeft);
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<AliasesSection> section, string address) =>
        section.FindAll("[data-testid=aliases-table] tbody tr").Single(r => r.TextContent.Contains(address, StringComparison.Ordinal));

    private async Task<string> CodeMailedToAsync(string alias)
    {
        var messages = await Host.Emulator.GetMessagesAsync(alias);
        var subject = messages.First(m => m.Subject.StartsWith("EmailSync verification code", StringComparison.Ordinal)).Subject;
        return CodeInSubject().Match(subject).Value;
    }

    [GeneratedRegex(@"\d{6}")]
    private static partial Regex CodeInSubject();
}
