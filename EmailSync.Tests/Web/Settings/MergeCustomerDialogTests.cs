using Bunit;
using EmailSync.Core.Customers;
using EmailSync.Core.Domain;
using EmailSync.Web.Components.Pages.Settings.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace EmailSync.Tests.Web.Settings;

/// <summary>Merging a temporary customer into an existing one, chosen by search.</summary>
public sealed class MergeCustomerDialogTests(SettingsHost host) : SettingsComponentTest(host)
{
    [Fact]
    public async Task ATemporaryCustomer_IsMergedIntoTheChosenCustomer_WithItsDomains()
    {
        var acme = await Get<CustomerService>().CreateAsync("Acme Corp", ["acme.com"]);
        await using (var db = SystemDb())
        {
            db.Customers.Add(new Customer
            {
                OrganizationId = OrganizationId,
                Name = "acme-mail.net",
                IsTemporary = true,
                Domains = [new CustomerDomain { OrganizationId = OrganizationId, Domain = "acme-mail.net" }],
            });
            await db.SaveChangesAsync();
            await db.Organizations.Where(o => o.Id == OrganizationId).ExecuteUpdateAsync(u => u.SetProperty(o => o.MatchingVersion, o => o.MatchingVersion + 1));
        }

        var temporary = (await Get<CustomerService>().ListAsync("acme-mail")).Items.Single();
        Assert.True(temporary.IsTemporary);

        var dialogs = RenderProviders();
        var popovers = Popovers;
        var parameters = new DialogParameters<MergeCustomerDialog> { { d => d.Temporary, temporary } };
        var shown = await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<MergeCustomerDialog>("Merge", parameters));
        dialogs.WaitForElement("input[data-testid=merge-target]").Input("Acme");
        popovers.WaitForAssertion(() => Assert.Contains("Acme Corp", popovers.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains("Acme Corp", StringComparison.Ordinal)).Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Merge into Acme Corp", dialogs.Find("[data-testid=merge-submit]").TextContent, StringComparison.Ordinal));
        dialogs.Find("[data-testid=merge-submit]").Click();
        var result = await shown.Result;

        Assert.False(result!.Canceled);
        Assert.Equal(1, Assert.IsType<MergeResult>(result.Data).DomainsMoved);
        var merged = await Get<CustomerService>().GetAsync(acme.Id);
        Assert.Equal(["acme-mail.net", "acme.com"], merged!.Domains.Select(d => d.Domain).Order());
        Assert.Null(await Get<CustomerService>().GetAsync(temporary.Id));
    }
}
