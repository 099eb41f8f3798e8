using Bunit;
using EmailSync.Core.Customers;
using EmailSync.Web.Components.Pages.Settings.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace EmailSync.Tests.Web.Settings;

/// <summary>Editing a customer: every input validated with the message the admin can act on; valid changes previewed, applied and audited.</summary>
public sealed class CustomerEditDialogTests(SettingsHost host) : SettingsComponentTest(host)
{
    private long acme;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        acme = (await Get<CustomerService>().CreateAsync("Acme Corp", ["acme.com"])).Id;
        var globex = await Get<CustomerService>().CreateAsync("Globex", ["globex.com"]);
        await Get<ContactService>().AddAsync(globex.Id, "ceo@globex.com", "Hank Scorpio");
    }

    [Theory]
    [InlineData("not a domain", "'not a domain' is not a valid email domain (like acme.com).")]
    [InlineData("gmail.com", "gmail.com is a free-mail domain shared by many people")]
    [InlineData("globex.com", "The domain globex.com already belongs to Globex")]
    [InlineData("ACME.com", "Acme Corp already has the domain acme.com.")]
    [InlineData("northwind.example", "northwind.example is one of your organization's internal domains.")]
    public async Task AddingABadDomain_IsRefusedInline(string domain, string message)
    {
        var dialogs = await OpenAsync();
        dialogs.Find("input[data-testid=edit-domain-input]").Input(domain);
        dialogs.Find("[data-testid=edit-domain-add]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(message, dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(dialogs.FindAll("[data-testid=rule-change-dialog]"));
        Assert.Equal(["acme.com"], (await Get<CustomerService>().GetAsync(acme))!.Domains.Select(d => d.Domain));
    }

    [Theory]
    [InlineData("maria@", "'maria@' is not a valid email address")]
    [InlineData("alex@northwind.example", "is an address of your own organization")]
    [InlineData("CEO@globex.com", "ceo@globex.com is already a contact of Globex")]
    public async Task AddingABadContact_IsRefusedInline(string email, string message)
    {
        var dialogs = await OpenAsync();
        dialogs.Find("input[data-testid=contact-new-email]").Input(email);
        dialogs.Find("[data-testid=contact-add]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(message, dialogs.Find("[data-testid=contact-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(dialogs.FindAll("[data-testid=contact-row]"));
    }

    [Theory]
    [InlineData("   ", "A customer needs a name of 1 to 200 characters.")]
    [InlineData("globex", "A customer named Globex already exists.")]
    public async Task RenamingToAnEmptyOrTakenName_IsRefused(string name, string message)
    {
        var dialogs = await OpenAsync();
        dialogs.Find("input[data-testid=edit-name]").Input(name);
        dialogs.Find("[data-testid=edit-rename]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(message, dialogs.Markup, StringComparison.Ordinal));
        Assert.Equal("Acme Corp", (await Get<CustomerService>().GetAsync(acme))!.Name);
    }

    [Fact]
    public async Task AValidDomainAndAChampionContact_ArePreviewedThenApplied_AndAudited()
    {
        var dialogs = await OpenAsync();
        dialogs.Find("input[data-testid=edit-domain-input]").Input(" Acme.co.UK ");
        dialogs.Find("[data-testid=edit-domain-add]").Click();
        dialogs.WaitForAssertion(() => Assert.Equal("0", dialogs.Find("[data-testid=preview-count]").TextContent));
        dialogs.Find("[data-testid=rule-change-apply]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("acme.co.uk", dialogs.Find("[data-testid=edit-domains]").TextContent, StringComparison.Ordinal));

        dialogs.Find("input[data-testid=contact-new-email]").Input("Maria@Acme.com");
        dialogs.Find("input[data-testid=contact-new-name]").Change("Maria Souza");
        dialogs.Find("input[data-testid=contact-new-champion]").Change(true);
        dialogs.Find("[data-testid=contact-add]").Click();
        dialogs.WaitForElement("[data-testid=rule-change-apply]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("maria@acme.com", dialogs.Find("[data-testid=edit-contacts]").TextContent, StringComparison.Ordinal));

        var contact = (await Get<ContactService>().ListAsync(acme)).Single();
        Assert.Equal(("maria@acme.com", "Maria Souza", true), (contact.Email, contact.Name, contact.IsChampion));

        // The champion switch on the row.
        dialogs.Find("input[data-testid=contact-champion]").Change(false);
        dialogs.WaitForAssertion(async () => Assert.False((await Get<ContactService>().ListAsync(acme)).Single().IsChampion));

        await using var db = SystemDb();
        var actions = await db.AuditEvents.Where(a => a.Target == "Acme Corp").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(["customer.created", "customer.domain-added", "contact.added", "contact.updated"], actions);
        Assert.Empty(await db.Contacts.Where(c => c.CustomerId == acme && c.Email == "ceo@globex.com").ToListAsync());
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync()
    {
        var dialogs = RenderProviders();
        var service = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<CustomerEditDialog> { { d => d.CustomerId, acme } };
        await dialogs.InvokeAsync(() => service.ShowAsync<CustomerEditDialog>("Edit customer", parameters));
        dialogs.WaitForElement("input[data-testid=edit-domain-input]");
        return dialogs;
    }
}
