using EmailSync.Core.Association;
using EmailSync.Core.Customers;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Association;

/// <summary>Association never reads or writes another organization's mail, customers or rules.</summary>
[Collection(CoreHostCollection.Name)]
public sealed class AssociationIsolationTests(CoreHostFixture app)
{
    [Fact]
    public async Task LinkingPreviewingAndManualLinks_StayInsideTheOrganization()
    {
        var orgA = await app.CreateOrganizationAsync();
        var orgB = await app.CreateOrganizationAsync();
        long acmeA, acmeB;
        await using (var a = app.Scope(orgA))
        {
            acmeA = (await app.Get<CustomerService>(a).CreateAsync("Acme", ["acme.com"])).Id;
        }

        await using (var b = app.Scope(orgB))
        {
            // The same domain may belong to a customer in each organization.
            acmeB = (await app.Get<CustomerService>(b).CreateAsync("Acme B", ["acme.com"])).Id;
        }

        await app.WaitForReassociationAsync(orgA);
        await app.WaitForReassociationAsync(orgB);
        var mailB = await app.StoreAsync(orgB, Mail.From("bob@acme.com").To("ana@ours.example").InThread("shared-thread-key"));
        var mailA = await app.StoreAsync(orgA, Mail.From("ana@ours.example").To("bo@ours.example").InThread("shared-thread-key"));

        await using (var a = app.Scope(orgA))
        {
            var association = app.Get<AssociationService>(a);

            // Organization A asking to link B's message changes nothing; A's message does not inherit B's thread.
            var summary = await association.LinkAsync(orgA, [.. mailB, .. mailA], CancellationToken.None);
            Assert.Equal(0, summary.LinksAdded);
            Assert.Empty(await app.LinksAsync(mailB[0]));
            Assert.Empty(await app.LinksAsync(mailA[0]));

            var preview = await app.Get<MatchingRulesService>(a).PreviewAsync(new RuleChange.SetBodyReference(true));
            Assert.Equal(1, preview.MessagesExamined);

            await Assert.ThrowsAsync<ValidationException>(() => association.LinkManuallyAsync(mailB[0], acmeA));
            await Assert.ThrowsAsync<CustomerNotFoundException>(() => association.LinkManuallyAsync(mailA[0], acmeB));
            await Assert.ThrowsAsync<CustomerNotFoundException>(() => app.Get<CustomerService>(a).AddDomainAsync(acmeB, "acme.io"));
        }

        await using (var b = app.Scope(orgB))
        {
            await app.Get<AssociationService>(b).LinkAsync(orgB, mailB, CancellationToken.None);
        }

        Assert.Equal("Acme B", Assert.Single(await app.LinksAsync(mailB[0])).Key);
        await using var db = app.SystemContext();
        Assert.All(await db.EmailLinks.Where(l => l.EmailMessageId == mailB[0]).ToListAsync(), l => Assert.Equal(orgB, l.OrganizationId));
    }
}
