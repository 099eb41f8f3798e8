using EmailSync.Core.Customers;
using EmailSync.Tests.Association;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Customers;

[Collection(CoreHostCollection.Name)]
public sealed class CustomerImportTests(CoreHostFixture app)
{
    private sealed class Collect<T> : IProgress<T>
    {
        public List<T> Reports { get; } = [];

        public void Report(T value) => Reports.Add(value);
    }

    [Fact]
    public async Task Import_AppliesGoodRows_AndReportsEachBadRowWithItsLine()
    {
        var org = await app.CreateOrganizationAsync();
        await using var scope = app.Scope(org);
        await app.Get<CustomerService>(scope).CreateAsync("Globex", ["globex.com"]);

        const string csv = """
            name,domains,contact_email,contact_name,champion
            Acme,acme.com;acme.io,maria@acme.com,Maria Silva,yes
            Acme,,bob@acme.com,Bob,no
            "Initech, Inc.",initech.com,"peter@initech.com","Gibbons, Peter",
            ,nobody.com,,,
            Bad Domain,not a domain,,,
            Stolen,globex.com,,,
            Free,gmail.com,,,
            Dupe,,maria@acme.com,,
            Ours,,ana@ours.example,,
            Champ,,x@champ.com,,maybe
            Lonely,,,Nobody,
            Acme,,newbie@gmail.com,Newbie,1

            Globex,globex.com,jo@globex.com,Jo,true
            """;

        var progress = new Collect<CustomerImportProgress>();
        var result = await app.Get<CustomerImportService>(scope).ImportAsync(new StringReader(csv), progress);

        Assert.Equal(13, result.Rows);
        Assert.Equal((2, 1, 3, 5, 0), (result.CustomersCreated, result.CustomersUpdated, result.DomainsAdded, result.ContactsAdded, result.ContactsUpdated));
        Assert.Equal(
        [
            new CustomerImportError(5, "A customer name is required."),
            new CustomerImportError(6, "'not' is not a valid email domain (like acme.com); 'a' is not a valid email domain (like acme.com); 'domain' is not a valid email domain (like acme.com)."),
            new CustomerImportError(7, "The domain globex.com already belongs to Globex."),
            new CustomerImportError(8, "gmail.com is a free-mail domain shared by many people, so it never matches by domain. Add the person's address as a contact instead."),
            new CustomerImportError(9, "maria@acme.com is already a contact of Acme."),
            new CustomerImportError(10, "ana@ours.example is an address of your own organization (internal domain), not a customer contact."),
            new CustomerImportError(11, "Champion must be yes or no (was 'maybe')."),
            new CustomerImportError(12, "A contact_name or champion needs a contact_email."),
        ], result.Errors);
        Assert.False(result.Succeeded);
        Assert.Equal(new CustomerImportProgress(13, 13, 8), progress.Reports[^1]);

        var customers = app.Get<CustomerService>(scope);
        var page = await customers.ListAsync();
        Assert.Equal(["Acme", "Globex", "Initech, Inc."], page.Items.Select(c => c.Name));
        var acme = (await customers.GetAsync(page.Items[0].Id))!;
        Assert.Equal(["acme.com", "acme.io"], acme.Domains.Select(d => d.Domain).Order());
        Assert.Equal(
            [("bob@acme.com", "Bob", false), ("maria@acme.com", "Maria Silva", true), ("newbie@gmail.com", "Newbie", true)],
            acme.Contacts.OrderBy(c => c.Email).Select(c => (c.Email, c.Name, c.IsChampion)));
        var initech = (await customers.GetAsync(page.Items[2].Id))!;
        Assert.Equal(("peter@initech.com", "Gibbons, Peter"), (initech.Contacts.Single().Email, initech.Contacts.Single().Name));

        await using var db = app.SystemContext();
        var audit = await db.AuditEvents.SingleAsync(e => e.OrganizationId == org && e.Action == "customers.imported");
        Assert.Contains("2 customers created", audit.Details, StringComparison.Ordinal);
        Assert.Contains("8 rows skipped", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_LinksExistingMail_InTheBackground()
    {
        var org = await app.CreateOrganizationAsync();
        var ids = await app.StoreAndLinkAsync(org, Mail.From("x@umbrella.com").To("ana@ours.example"), Mail.From("boss@gmail.com").To("ana@ours.example"));
        await using (var scope = app.Scope(org))
        {
            var result = await app.Get<CustomerImportService>(scope).ImportAsync(new StringReader("name,domains,contact_email\nUmbrella,umbrella.com,boss@gmail.com\n"));
            Assert.True(result.Succeeded);
        }

        await app.WaitForReassociationAsync(org);
        Assert.Equal("Umbrella", Assert.Single(await app.LinksAsync(ids[0])).Key);
        Assert.Equal("Umbrella", Assert.Single(await app.LinksAsync(ids[1])).Key);
    }

    [Theory]
    [InlineData("", "The file is empty. The first line must be the header: name,domains,contact_email,contact_name,champion")]
    [InlineData("domains,contact_email\nacme.com,x@acme.com", "The header has no 'name' column. The first line must be: name,domains,contact_email,contact_name,champion")]
    [InlineData("name,domian\nAcme,acme.com", "Unknown column 'domian' in the header. The header must be: name,domains,contact_email,contact_name,champion")]
    [InlineData("name,name\nAcme,Acme", "The column 'name' appears twice in the header.")]
    public async Task Import_RefusesABadHeader_WithTheExpectedOne(string csv, string message)
    {
        var org = await app.CreateOrganizationAsync();
        await using var scope = app.Scope(org);
        var error = await Assert.ThrowsAsync<ValidationException>(() => app.Get<CustomerImportService>(scope).ImportAsync(new StringReader(csv)));
        Assert.Equal(message, error.Message);
    }
}
