using Bunit;
using Bunit.TestDoubles;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Tests.Infrastructure;
using EmailSync.Tests.Timeline;
using EmailSync.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace EmailSync.Tests.Web.Customers;

/// <summary>The Profile's "Reply from EmailSync" switch: asks Google for gmail.send incrementally, only when turned on.</summary>
public sealed class ReplySettingTests(WebAppFactory app) : CustomerComponentTestBase, IClassFixture<WebAppFactory>
{
    private readonly TimelineSeed seed = new(app);
    private string userId = "";

    public override async Task InitializeAsync()
    {
        await app.ResetAsync();
        await seed.ForDemoOrganizationAsync();
        userId = await seed.UserIdAsync(Accounts.Csm);
        UseApp(app, seed.OrganizationId, userId);
    }

    private async Task ConnectAsync(string scopes)
    {
        await using var db = app.CreateSystemContext();
        db.MailboxConnections.Add(new MailboxConnection { UserId = userId, GoogleAccount = Accounts.Csm, GrantedScopes = scopes, EncryptedRefreshToken = "x", Status = MailboxStatus.Active });
        await db.SaveChangesAsync();
    }

    [Fact]
    public void WithoutGmail_TheSwitchIsOff_AndDisabled()
    {
        var view = Render<ReplyFromEmailSyncSetting>(p => p.Add(c => c.UserId, userId));
        view.WaitForAssertion(() => Assert.Contains("Connect Gmail first", view.Markup, StringComparison.Ordinal));
        Assert.True(view.Find("input[data-testid=reply-switch]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task TurningItOn_AsksGoogleForSendAccess_Incrementally()
    {
        await ConnectAsync(GmailScopes.Readonly);
        var view = Render<ReplyFromEmailSyncSetting>(p => p.Add(c => c.UserId, userId));
        view.WaitForAssertion(() => Assert.Contains("allow EmailSync to send email as", view.Markup, StringComparison.Ordinal));

        view.Find("input[data-testid=reply-switch]").Change(true);

        Assert.EndsWith("/profile/gmail/connect?send=true", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithSendAccess_TheSwitchIsOn()
    {
        await ConnectAsync($"{GmailScopes.Readonly} {GmailScopes.Send}");
        var view = Render<ReplyFromEmailSyncSetting>(p => p.Add(c => c.UserId, userId));
        view.WaitForAssertion(() => Assert.Contains("On — EmailSync may send the replies you write", view.Markup, StringComparison.Ordinal));
    }
}
