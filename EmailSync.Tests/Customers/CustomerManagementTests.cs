using EmailSync.Core.Association;
using EmailSync.Core.Customers;
using EmailSync.Core.Domain;
using EmailSync.Tests.Association;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Customers;

/// <summary>Domains, contacts and matching rules as admins manage them: validation messages and audit events.</summary>
[Collection(CoreHostCollection.Name)]
public sealed class CustomerManagementTests(CoreHostFixture app)
{
    private async Task<(Guid Org, long Acme, long Globex)> ArrangeAsync()
    {
        var org = await app.CreateOrganizationAsync();
        await using var scope = app.Scope(org);
        var customers = app.Get<CustomerService>(scope);
        var acme = (await customers.CreateAsync("Acme", ["acme.com"])).Id;
        var globex = (await customers.CreateAsync("Globex", ["globex.com"])).Id;
        return (org, acme, globex);
    }

    private static async Task<string> ErrorOf(Func<Task> action) => (await Assert.ThrowsAsync<ValidationException>(action)).Message;

    [Fact]
    public async Task Domains_AreValidated_WithMessagesAnAdminCanActOn()
    {
        var (org, acme, globex) = await ArrangeAsync();
        await using var scope = app.Scope(org);
        var customers = app.Get<CustomerService>(scope);

        Assert.Equal("'acme' is not a valid email domain (like acme.com).", await ErrorOf(() => customers.AddDomainAsync(acme, "acme")));
        Assert.Equal("'http://x.com' is not a valid email domain (like acme.com).", await ErrorOf(() => customers.AddDomainAsync(acme, "http://x.com")));
        Assert.Equal("Acme already has the domain acme.com.", await ErrorOf(() => customers.AddDomainAsync(acme, "ACME.com")));
        Assert.Equal("The domain globex.com already belongs to Globex; one domain can belong to one customer only.",
            await ErrorOf(() => customers.AddDomainAsync(acme, "@globex.com")));
        Assert.StartsWith("gmail.com is a free-mail domain", await ErrorOf(() => customers.AddDomainAsync(acme, "gmail.com")));
        Assert.StartsWith("gmx.net is a free-mail domain", await ErrorOf(() => customers.AddDomainAsync(acme, "gmx.net")));
        Assert.Equal("ours.example is one of your organization's internal domains.", await ErrorOf(() => customers.AddDomainAsync(acme, "ours.example")));
        Assert.Equal("co.uk is a public suffix under which anyone can register a domain; enter the organization's own domain (like acme.co.uk).",
            await ErrorOf(() => customers.AddDomainAsync(acme, "co.uk")));
        Assert.Equal("Acme has no domain acme.io.", await ErrorOf(() => customers.RemoveDomainAsync(acme, "acme.io")));
        Assert.Equal("A customer named Globex already exists.", await ErrorOf(() => customers.CreateAsync("globex", [])));
        Assert.Equal("The domain acme.com already belongs to Acme; one domain can belong to one customer only.",
            await ErrorOf(() => customers.CreateAsync("Acme Two", ["acme.com"])));
        await Assert.ThrowsAsync<CustomerNotFoundException>(() => customers.AddDomainAsync(999_999, "x.com"));

        await customers.AddDomainAsync(globex, " Globex.CO.uk. ");
        Assert.Contains("globex.co.uk", (await customers.GetAsync(globex))!.Domains.Select(d => d.Domain));
        await customers.RemoveDomainAsync(globex, "globex.co.uk");
        Assert.DoesNotContain("globex.co.uk", (await customers.GetAsync(globex))!.Domains.Select(d => d.Domain));

        await using var db = app.SystemContext();
        var actions = await db.AuditEvents.Where(e => e.OrganizationId == org).Select(e => e.Action).ToListAsync();
        Assert.Contains("customer.domain-added", actions);
        Assert.Contains("customer.domain-removed", actions);
    }

    [Fact]
    public async Task Contacts_AreValidated_UniquePerOrganization_AndCarryTheChampionFlag()
    {
        var (org, acme, globex) = await ArrangeAsync();
        await using var scope = app.Scope(org);
        var contacts = app.Get<ContactService>(scope);

        var maria = await contacts.AddAsync(acme, " Maria@Acme.com ", " Maria Silva ", isChampion: true);
        Assert.Equal(("maria@acme.com", "Maria Silva", true), (maria.Email, maria.Name, maria.IsChampion));

        Assert.Equal("'maria@' is not a valid email address (like maria@globex.com).", await ErrorOf(() => contacts.AddAsync(acme, "maria@")));
        Assert.Equal("'not an email' is not a valid email address (like maria@globex.com).", await ErrorOf(() => contacts.AddAsync(acme, "not an email")));
        Assert.Equal("maria@acme.com is already a contact of Acme; an address can belong to one contact only.",
            await ErrorOf(() => contacts.AddAsync(globex, "MARIA@acme.com")));
        Assert.Equal("ana@ours.example is an address of your own organization (internal domain), not a customer contact.",
            await ErrorOf(() => contacts.AddAsync(acme, "ana@ours.example")));
        Assert.StartsWith("A contact's name can have at most", await ErrorOf(() => contacts.AddAsync(acme, "x@acme.com", new string('x', 201))));

        // Free-mail addresses are exactly what contacts are for.
        var personal = await contacts.AddAsync(globex, "jo.globex@gmail.com");
        await contacts.UpdateAsync(personal.Id, "jo.globex@gmail.com", "Jo", isChampion: true);
        await contacts.UpdateAsync(maria.Id, "maria.silva@acme.com", "Maria Silva", isChampion: false);
        Assert.Equal("maria.silva@acme.com is already a contact of Acme; an address can belong to one contact only.",
            await ErrorOf(() => contacts.AddAsync(acme, "maria.silva@acme.com")));

        var list = await contacts.ListAsync(acme);
        Assert.Equal(("maria.silva@acme.com", false), (Assert.Single(list).Email, list[0].IsChampion));
        Assert.Equal(("Jo", true), (Assert.Single(await contacts.ListAsync(globex)).Name, (await contacts.ListAsync(globex))[0].IsChampion));

        await contacts.RemoveAsync(personal.Id);
        Assert.Empty(await contacts.ListAsync(globex));
        Assert.Equal("That contact does not exist in this organization.", await ErrorOf(() => contacts.RemoveAsync(personal.Id)));

        await using var db = app.SystemContext();
        var actions = await db.AuditEvents.Where(e => e.OrganizationId == org).Select(e => e.Action).ToListAsync();
        Assert.Equal(2, actions.Count(a => a == "contact.added"));
        Assert.Equal(2, actions.Count(a => a == "contact.updated"));
        Assert.Single(actions, a => a == "contact.removed");
    }

    [Fact]
    public async Task RemovingAContact_KeepsItsMailOnTheTimelineByDomain()
    {
        var (org, acme, _) = await ArrangeAsync();
        long contactId;
        await using (var scope = app.Scope(org))
        {
            contactId = (await app.Get<ContactService>(scope).AddAsync(acme, "maria@acme.com")).Id;
        }

        await app.WaitForReassociationAsync(org);
        var ids = await app.StoreAndLinkAsync(org, Mail.From("maria@acme.com").To("ana@ours.example"));
        Assert.Equal(MatchReason.Contact, Assert.Single(await app.LinksAsync(ids[0])).Value.Reason);

        await using (var scope = app.Scope(org))
        {
            await app.Get<ContactService>(scope).RemoveAsync(contactId);
        }

        await app.WaitForReassociationAsync(org);
        var link = Assert.Single(await app.LinksAsync(ids[0])).Value;
        Assert.Equal((MatchReason.Domain, "acme.com", (long?)null), (link.Reason, link.MatchedValue, link.ContactId));
    }

    [Fact]
    public async Task MatchingRules_AreValidated_Audited_AndListed()
    {
        var (org, _, _) = await ArrangeAsync();
        await using var scope = app.Scope(org);
        var rules = app.Get<MatchingRulesService>(scope);

        Assert.Equal("gmail.com is already on the built-in list of free-mail domains.", await ErrorOf(() => rules.AddGenericDomainAsync("Gmail.com")));
        Assert.Equal("gmail.com is on the built-in list of free-mail domains and cannot be removed.", await ErrorOf(() => rules.RemoveGenericDomainAsync("gmail.com")));
        Assert.Equal("acme.com is a domain of the customer Acme; remove it there before marking it as free mail.", await ErrorOf(() => rules.AddGenericDomainAsync("acme.com")));
        Assert.Equal("acme.com is a domain of the customer Acme; remove it there before making it internal.", await ErrorOf(() => rules.AddInternalDomainAsync("acme.com")));
        Assert.Equal("ours.example is already an internal domain.", await ErrorOf(() => rules.AddInternalDomainAsync("ours.example")));
        Assert.StartsWith("gmail.com is a free-mail domain: making it internal", await ErrorOf(() => rules.AddInternalDomainAsync("gmail.com")));
        Assert.Equal("'ceo@' is not a valid email address (like maria@globex.com).", await ErrorOf(() => rules.AddExclusionAsync("ceo@")));
        Assert.Equal("nothing.com is not excluded.", await ErrorOf(() => rules.RemoveExclusionAsync("nothing.com")));

        await rules.AddGenericDomainAsync("mycompanymail.net");
        await rules.AddInternalDomainAsync("ours-subsidiary.example");
        await rules.AddExclusionAsync("ceo@acme.com");
        await rules.AddExclusionAsync("hr.globex.com");
        Assert.Equal("ceo@acme.com is already excluded.", await ErrorOf(() => rules.AddExclusionAsync("CEO@acme.com")));
        await rules.SetBodyReferenceAsync(true);

        var current = await rules.GetAsync();
        Assert.Equal(["mycompanymail.net"], current.GenericDomains);
        Assert.Equal(["ours-subsidiary.example", "ours.example"], current.InternalDomains);
        Assert.Equal(["ceo@acme.com"], current.ExcludedAddresses);
        Assert.Equal(["hr.globex.com"], current.ExcludedDomains);
        Assert.True(current.BodyReferenceEnabled);
        Assert.Contains("proton.me", current.BuiltInGenericDomains);

        // A free-mail addition is refused as a customer domain, like the built-in ones.
        Assert.StartsWith("mycompanymail.net is a free-mail domain", await ErrorOf(() => app.Get<CustomerService>(scope).CreateAsync("X", ["mycompanymail.net"])));

        await rules.RemoveGenericDomainAsync("mycompanymail.net");
        await rules.RemoveInternalDomainAsync("ours-subsidiary.example");
        await rules.RemoveExclusionAsync("hr.globex.com");
        await app.WaitForReassociationAsync(org);

        await using var db = app.SystemContext();
        var actions = await db.AuditEvents.Where(e => e.OrganizationId == org && e.Action.StartsWith("matching.")).Select(e => e.Action).ToListAsync();
        Assert.Equal(
            ["matching.body-reference-enabled", "matching.exclusion-added", "matching.exclusion-added", "matching.exclusion-removed",
             "matching.generic-domain-added", "matching.generic-domain-removed", "matching.internal-domain-added", "matching.internal-domain-removed"],
            actions.Order());
    }

    [Fact]
    public async Task ConfirmingATemporaryCustomer_MakesItRegular()
    {
        var org = await app.CreateOrganizationAsync(o => o.ImportAllEmails = true);
        await app.StoreAndLinkAsync(org, Mail.From("x@newco.io").To("ana@ours.example"));
        await using var scope = app.Scope(org);
        var customers = app.Get<CustomerService>(scope);
        var temporary = Assert.Single((await customers.ListAsync()).Items);
        Assert.True(temporary.IsTemporary);
        Assert.Equal(1, temporary.EmailCount);

        Assert.Single((await customers.ListAsync(null, 0, 50, temporary: true)).Items);
        Assert.Empty((await customers.ListAsync(null, 0, 50, temporary: false)).Items);
        await customers.ConfirmAsync(temporary.Id, "NewCo");
        var confirmed = Assert.Single((await customers.ListAsync()).Items);
        Assert.Equal(("NewCo", false, 1), (confirmed.Name, confirmed.IsTemporary, confirmed.EmailCount));
    }
}
