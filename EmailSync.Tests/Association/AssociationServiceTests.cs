using EmailSync.Core.Association;
using EmailSync.Core.Customers;
using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Association;

/// <summary>Linking stored mail through the real services and SQLite: the seam the sync pipeline calls.</summary>
[Collection(CoreHostCollection.Name)]
public sealed class AssociationServiceTests(CoreHostFixture app)
{
    private async Task<(Guid Org, long Acme, long Globex)> ArrangeAsync(Action<Organization>? configure = null)
    {
        var org = await app.CreateOrganizationAsync(configure);
        await using var scope = app.Scope(org);
        var customers = app.Get<CustomerService>(scope);
        var acme = (await customers.CreateAsync("Acme", ["acme.com"])).Id;
        var globex = (await customers.CreateAsync("Globex", ["globex.com"])).Id;
        await app.WaitForReassociationAsync(org);
        return (org, acme, globex);
    }

    [Fact]
    public async Task LinkAsync_WritesReasonAndMatchedValue_AndIsIdempotent()
    {
        var (org, acme, _) = await ArrangeAsync();
        await using (var scope = app.Scope(org))
        {
            await app.Get<ContactService>(scope).AddAsync(acme, "maria@acme.com", "Maria", isChampion: true);
        }

        await app.WaitForReassociationAsync(org);
        var ids = await app.StoreAsync(org,
            Mail.From("bob@mail.acme.com").To("ana@ours.example"),
            Mail.From("ana@ours.example").To("maria@acme.com"));

        await using var s = app.Scope(org);
        var association = app.Get<AssociationService>(s);
        var first = await association.LinkAsync(org, ids, CancellationToken.None);
        Assert.Equal(2, first.LinksAdded);

        var byDomain = Assert.Single(await app.LinksAsync(ids[0])).Value;
        Assert.Equal((MatchReason.Domain, "acme.com", false), (byDomain.Reason, byDomain.MatchedValue, byDomain.IsShared));
        var byContact = Assert.Single(await app.LinksAsync(ids[1])).Value;
        Assert.Equal((MatchReason.Contact, "maria@acme.com"), (byContact.Reason, byContact.MatchedValue));
        Assert.NotNull(byContact.ContactId);

        var again = await association.LinkAsync(org, ids, CancellationToken.None);
        Assert.Equal((0, 0, 0), (again.LinksAdded, again.LinksRemoved, again.LinksUpdated));
        var info = await association.GetLinksAsync(ids[0]);
        Assert.Equal("Acme", Assert.Single(info).CustomerName);
    }

    [Fact]
    public async Task ConcurrentLinkingOfTheSameThread_EndsWithOneLinkPerCustomer()
    {
        var (org, _, _) = await ArrangeAsync();
        var ids = await app.StoreAsync(org, Enumerable.Range(0, 30)
            .Select(i => Mail.From(i % 2 == 0 ? $"p{i}@acme.com" : "ana@ours.example").To(i % 2 == 0 ? "ana@ours.example" : $"p{i}@globex.com").InThread("busy"))
            .ToArray());

        // The sync writer and the re-association worker may link one thread at the same moment.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var scope = app.Scope(org);
            await app.Get<AssociationService>(scope).LinkAsync(org, ids, CancellationToken.None);
        }));

        foreach (var id in ids)
        {
            var links = await app.LinksAsync(id);
            Assert.Equal(["Acme", "Globex"], links.Keys.Order());
            Assert.All(links.Values, l => Assert.True(l.IsShared));
        }
    }

    [Fact]
    public async Task TwoCustomers_AreBothLinked_AndShared()
    {
        var (org, _, _) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org, Mail.From("bob@acme.com").To("ana@ours.example").Cc("jo@globex.com"));
        var links = await app.LinksAsync(ids[0]);
        Assert.Equal(["Acme", "Globex"], links.Keys.Order());
        Assert.All(links.Values, l => Assert.True(l.IsShared));
    }

    [Fact]
    public async Task Thread_LinksAsAWhole_EvenWhenTheReplyArrivesLater()
    {
        var (org, _, _) = await ArrangeAsync();
        var first = await app.StoreAndLinkAsync(org, Mail.From("bob@acme.com").To("ana@ours.example").InThread("T1"));

        // The reply has no customer address (an internal forward in the same thread).
        var reply = await app.StoreAndLinkAsync(org, Mail.From("ana@ours.example").To("bo@ours.example").InThread("T1"));
        var link = Assert.Single(await app.LinksAsync(reply[0]));
        Assert.Equal(("Acme", MatchReason.Thread, "acme.com"), (link.Key, link.Value.Reason, link.Value.MatchedValue));
        Assert.Equal(MatchReason.Domain, Assert.Single(await app.LinksAsync(first[0])).Value.Reason);
    }

    [Fact]
    public async Task LinkedThreads_TellTheSyncWhichThreadsAreCustomerMail()
    {
        var (org, acme, _) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("bob@acme.com").To("ana@ours.example").InThread("L1"),
            Mail.From("x@partner.net").To("ana@ours.example").InThread("L2"),
            Mail.From("bob@acme.com").To("ana@ours.example").InThread("L3"));
        await using var scope = app.Scope(org);
        var association = app.Get<AssociationService>(scope);
        await association.UnlinkManuallyAsync(ids[2], acme);
        var linked = await association.LinkedThreadsAsync(org, ["L1", "L2", "L3", "unknown"], CancellationToken.None);
        Assert.Equal(["L1"], linked);
    }

    [Fact]
    public async Task BulkAutomatedAndInternalMail_IsNotLinked()
    {
        var (org, _, _) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("news@acme.com").To("ana@ours.example").Bulk(),
            Mail.From("bob@acme.com").To("ana@ours.example").Automated(),
            Mail.From("noreply@acme.com").To("ana@ours.example"),
            Mail.From("ana@ours.example").To("bo@ours.example"));
        foreach (var id in ids)
        {
            Assert.Empty(await app.LinksAsync(id));
        }
    }

    [Fact]
    public async Task ManualLinkAndUnlink_SurviveReassociation()
    {
        var (org, acme, globex) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("bob@acme.com").To("ana@ours.example").InThread("A"),
            Mail.From("friend@partner.net").To("ana@ours.example"));

        await using (var scope = app.Scope(org))
        {
            var association = app.Get<AssociationService>(scope);
            await association.UnlinkManuallyAsync(ids[0], acme);
            await association.LinkManuallyAsync(ids[1], globex);
        }

        await ReassociateEverythingAsync(org);

        Assert.Empty(await app.LinksAsync(ids[0]));
        var suppressed = Assert.Single(await app.AllLinkRowsAsync(ids[0]));
        Assert.True(suppressed.IsSuppressed);
        var manual = Assert.Single(await app.LinksAsync(ids[1]));
        Assert.Equal(("Globex", MatchReason.Manual), (manual.Key, manual.Value.Reason));

        // Resetting hands the decision back to the rules.
        await using (var scope = app.Scope(org))
        {
            await app.Get<AssociationService>(scope).ResetToAutomaticAsync(ids[0], acme);
        }

        Assert.Equal(MatchReason.Domain, Assert.Single(await app.LinksAsync(ids[0])).Value.Reason);
        await using var db = app.SystemContext();
        Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.OrganizationId == org && e.Action.StartsWith("email.")));
    }

    [Fact]
    public async Task ImportAllEmails_CreatesTemporaryCustomers_NamedAfterTheDomain_OrTheFreeMailAddress()
    {
        var (org, _, _) = await ArrangeAsync(o => o.ImportAllEmails = true);
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("new.person@newco.io").To("ana@ours.example").InThread("N1"),
            Mail.From("ana@ours.example").To("other@newco.io").InThread("N2"),
            Mail.From("someone@hotmail.com").To("ana@ours.example"),
            Mail.From("ana@ours.example").To("bo@ours.example"));

        await using var db = app.SystemContext();
        var temporary = await db.Customers.Include(c => c.Domains).Include(c => c.Contacts)
            .Where(c => c.OrganizationId == org && c.IsTemporary).OrderBy(c => c.Name).ToListAsync();
        Assert.Equal(["newco.io", "someone@hotmail.com"], temporary.Select(c => c.Name));
        Assert.Equal("newco.io", Assert.Single(temporary[0].Domains).Domain);
        Assert.Equal("someone@hotmail.com", Assert.Single(temporary[1].Contacts).Email);

        Assert.Equal("newco.io", Assert.Single(await app.LinksAsync(ids[0])).Key);
        Assert.Equal("newco.io", Assert.Single(await app.LinksAsync(ids[1])).Key);
        Assert.Equal(MatchReason.Contact, Assert.Single(await app.LinksAsync(ids[2])).Value.Reason);
        Assert.Empty(await app.LinksAsync(ids[3]));
    }

    [Fact]
    public async Task TurningImportAllEmailsOn_TakesEffectAtOnce_EvenWithAWarmDirectory()
    {
        var (org, _, _) = await ArrangeAsync();
        var before = await app.StoreAndLinkAsync(org, Mail.From("a@first.io").To("ana@ours.example"));
        Assert.Empty(await app.LinksAsync(before[0]));
        await using (var db = app.SystemContext())
        {
            // As the sync settings page does: it does not touch the matching rules.
            await db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.ImportAllEmails, true));
        }

        var after = await app.StoreAndLinkAsync(org, Mail.From("b@second.io").To("ana@ours.example"));
        Assert.Equal("second.io", Assert.Single(await app.LinksAsync(after[0])).Key);
    }

    [Fact]
    public async Task WithoutImportAllEmails_UnmatchedMailMakesNoCustomer()
    {
        var (org, _, _) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org, Mail.From("new.person@newco.io").To("ana@ours.example"));
        Assert.Empty(await app.LinksAsync(ids[0]));
        await using var db = app.SystemContext();
        Assert.False(await db.Customers.AnyAsync(c => c.OrganizationId == org && c.IsTemporary));
    }

    [Fact]
    public async Task MergingATemporaryCustomer_MovesItsMailContactsAndDomains()
    {
        var (org, acme, _) = await ArrangeAsync(o => o.ImportAllEmails = true);
        var ids = (await app.StoreAndLinkAsync(org, Mail.From("x@acme-labs.io").To("ana@ours.example")))
            .Concat(await app.StoreAndLinkAsync(org, Mail.From("y@acme-labs.io").To("ana@ours.example").Cc("bob@acme.com")))
            .ToArray();
        long temporaryId;
        await using (var db = app.SystemContext())
        {
            temporaryId = await db.Customers.Where(c => c.OrganizationId == org && c.Name == "acme-labs.io").Select(c => c.Id).SingleAsync();
        }

        // The second email was on both timelines (shared) before the merge.
        Assert.True((await app.LinksAsync(ids[1])).Values.All(l => l.IsShared));

        MergeResult result;
        await using (var scope = app.Scope(org))
        {
            var customers = app.Get<CustomerService>(scope);
            await Assert.ThrowsAsync<ValidationException>(() => customers.MergeAsync(acme, temporaryId));
            result = await customers.MergeAsync(temporaryId, acme);
        }

        Assert.Equal(new MergeResult(EmailsMoved: 1, ContactsMoved: 0, DomainsMoved: 1), result);
        var merged = Assert.Single(await app.LinksAsync(ids[1]));
        Assert.Equal("Acme", merged.Key);
        Assert.False(merged.Value.IsShared);
        Assert.Equal("Acme", Assert.Single(await app.LinksAsync(ids[0])).Key);

        // The domain moved too: new mail from it goes to Acme.
        var later = await app.StoreAndLinkAsync(org, Mail.From("z@acme-labs.io").To("ana@ours.example"));
        Assert.Equal(("Acme", "acme-labs.io"), (Assert.Single(await app.LinksAsync(later[0])).Key, (await app.LinksAsync(later[0]))["Acme"].MatchedValue));
        await using var check = app.SystemContext();
        Assert.False(await check.Customers.AnyAsync(c => c.Id == temporaryId));
        Assert.True(await check.AuditEvents.AnyAsync(e => e.OrganizationId == org && e.Action == "customer.merged"));
    }

    [Fact]
    public async Task AddingADomain_LinksExistingMail_InTheBackground_WithProgress()
    {
        var (org, _, globex) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("a@globex.de").To("ana@ours.example").InThread("G"),
            Mail.From("ana@ours.example").To("bo@ours.example").InThread("G"),
            Mail.From("b@mail.globex.de").To("ana@ours.example").MetadataOnly());
        foreach (var id in ids)
        {
            Assert.Empty(await app.LinksAsync(id));
        }

        var notifier = app.Services.GetService(typeof(ReassociationNotifier)) as ReassociationNotifier;
        var seen = new List<ReassociationProgress>();
        using (notifier!.Subscribe(org, p =>
        {
            lock (seen)
            {
                seen.Add(p);
            }

            return Task.CompletedTask;
        }))
        {
            await using (var scope = app.Scope(org))
            {
                await app.Get<CustomerService>(scope).AddDomainAsync(globex, "Globex.DE");
            }

            var done = await app.WaitForReassociationAsync(org);
            Assert.Equal(ReassociationState.Completed, done!.State);
            Assert.Equal(2, done.Total); // the two emails from globex.de; their thread comes along
            Assert.Equal(2, done.Processed);
            Assert.Equal(3, done.LinksAdded);
            Assert.Equal(1, done.BodiesRequested);
        }

        lock (seen)
        {
            Assert.Contains(seen, p => p.State == ReassociationState.Running);
            Assert.Equal(ReassociationState.Completed, seen[^1].State);
        }

        Assert.Equal(MatchReason.Domain, (await app.LinksAsync(ids[0]))["Globex"].Reason);
        Assert.Equal(MatchReason.Thread, (await app.LinksAsync(ids[1]))["Globex"].Reason);
        Assert.Equal("globex.de", (await app.LinksAsync(ids[2]))["Globex"].MatchedValue);
        Assert.Contains(ids[2], app.BodyFetcher.Requested);
    }

    [Fact]
    public async Task RemovingADomain_UnlinksOnlyWhatThatDomainLinked()
    {
        var (org, acme, _) = await ArrangeAsync();
        await using (var scope = app.Scope(org))
        {
            await app.Get<CustomerService>(scope).AddDomainAsync(acme, "acme.io");
            await app.Get<ContactService>(scope).AddAsync(acme, "maria@acme.io");
        }

        await app.WaitForReassociationAsync(org);
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("bob@acme.com").To("ana@ours.example"),
            Mail.From("carl@acme.io").To("ana@ours.example"),
            Mail.From("maria@acme.io").To("ana@ours.example"),
            Mail.From("dora@acme.io").To("ana@ours.example").Cc("bob@acme.com"),
            Mail.From("eve@acme.io").To("ana@ours.example"));
        await using (var scope = app.Scope(org))
        {
            await app.Get<AssociationService>(scope).LinkManuallyAsync(ids[4], acme);
        }

        await using (var scope = app.Scope(org))
        {
            var customers = app.Get<CustomerService>(scope);
            var preview = await customers.PreviewDomainAsync(acme, "acme.io", remove: true);
            Assert.Equal(1, preview.MessagesUnlinked);
            Assert.Equal(0, preview.MessagesLinked);
            Assert.Equal(new CustomerImpact(acme, "Acme", 0, 1), Assert.Single(preview.ByCustomer));
            await customers.RemoveDomainAsync(acme, "acme.io");
        }

        var done = await app.WaitForReassociationAsync(org);
        Assert.Equal(1, done!.LinksRemoved);
        Assert.Equal(MatchReason.Domain, Assert.Single(await app.LinksAsync(ids[0])).Value.Reason);
        Assert.Empty(await app.LinksAsync(ids[1]));
        Assert.Equal(MatchReason.Contact, Assert.Single(await app.LinksAsync(ids[2])).Value.Reason);
        Assert.Equal("acme.com", Assert.Single(await app.LinksAsync(ids[3])).Value.MatchedValue);
        Assert.Equal(MatchReason.Manual, Assert.Single(await app.LinksAsync(ids[4])).Value.Reason);
    }

    [Fact]
    public async Task Exclusions_RemoveLinkedMail_AndRemovingThemBringsItBack()
    {
        var (org, _, _) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("ceo@acme.com").To("ana@ours.example"),
            Mail.From("bob@acme.com").To("ana@ours.example"),
            Mail.From("jo@hr.globex.com").To("ana@ours.example"));

        await using (var scope = app.Scope(org))
        {
            var rules = app.Get<MatchingRulesService>(scope);
            var preview = await rules.PreviewAsync(new RuleChange.AddExclusion("CEO@acme.com"));
            Assert.Equal((1, 1, 0), (preview.MessagesExamined, preview.MessagesUnlinked, preview.MessagesLinked));
            await rules.AddExclusionAsync("ceo@acme.com");
            await app.WaitForReassociationAsync(org);
            await rules.AddExclusionAsync("@globex.com");
            await app.WaitForReassociationAsync(org);
            Assert.Equal(["globex.com"], (await rules.GetAsync()).ExcludedDomains);
        }

        Assert.Empty(await app.LinksAsync(ids[0]));
        Assert.Single(await app.LinksAsync(ids[1]));
        Assert.Empty(await app.LinksAsync(ids[2]));

        await using (var scope = app.Scope(org))
        {
            await app.Get<MatchingRulesService>(scope).RemoveExclusionAsync("ceo@acme.com");
        }

        await app.WaitForReassociationAsync(org);
        Assert.Single(await app.LinksAsync(ids[0]));
        Assert.Empty(await app.LinksAsync(ids[2]));
    }

    [Fact]
    public async Task Preview_CountsWithoutWriting()
    {
        var (org, _, globex) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("a@initech.com").To("ana@ours.example").InThread("I"),
            Mail.From("ana@ours.example").To("a@initech.com").InThread("I"),
            Mail.From("b@initech.com").To("ana@ours.example").Cc("bob@acme.com"),
            Mail.From("c@other.com").To("ana@ours.example"));

        await using var scope = app.Scope(org);
        var rules = app.Get<MatchingRulesService>(scope);
        var preview = await rules.PreviewAsync(new RuleChange.AddDomain(globex, "INITECH.com"));
        Assert.Equal(3, preview.MessagesLinked);
        Assert.Equal(0, preview.MessagesUnlinked);
        Assert.Equal(3, preview.MessagesChanged);
        Assert.Equal(new CustomerImpact(globex, "Globex", 3, 0), Assert.Single(preview.ByCustomer));
        Assert.Empty(await app.LinksAsync(ids[0]));
        Assert.Empty(await app.LinksAsync(ids[1]));

        // Previews validate like the change itself.
        var error = await Assert.ThrowsAsync<ValidationException>(() => rules.PreviewAsync(new RuleChange.AddDomain(globex, "acme.com")));
        Assert.Equal("The domain acme.com already belongs to Acme; one domain can belong to one customer only.", error.Message);

        // Switching body references on examines all mail.
        var body = await rules.PreviewAsync(new RuleChange.SetBodyReference(true));
        Assert.Equal(4, body.MessagesExamined);
    }

    [Fact]
    public async Task BodyReference_Switch_LinksMailThatNamesACustomer()
    {
        var (org, _, _) = await ArrangeAsync();
        var ids = await app.StoreAndLinkAsync(org,
            Mail.From("friend@partner.net").To("ana@ours.example").Body("Heads-up: Globex plans to cancel."),
            Mail.From("friend@partner.net").To("ana@ours.example").Body("Nothing about anyone."));
        Assert.Empty(await app.LinksAsync(ids[0]));

        await using (var scope = app.Scope(org))
        {
            await app.Get<MatchingRulesService>(scope).SetBodyReferenceAsync(true);
        }

        await app.WaitForReassociationAsync(org);
        var link = Assert.Single(await app.LinksAsync(ids[0]));
        Assert.Equal(("Globex", MatchReason.BodyReference), (link.Key, link.Value.Reason));
        Assert.Empty(await app.LinksAsync(ids[1]));

        await using (var scope = app.Scope(org))
        {
            await app.Get<MatchingRulesService>(scope).SetBodyReferenceAsync(false);
        }

        await app.WaitForReassociationAsync(org);
        Assert.Empty(await app.LinksAsync(ids[0]));
    }

    [Fact]
    public async Task Worker_RunsAQueuedRequest_AndReportsFailureWithATraceId()
    {
        var org = await app.CreateOrganizationAsync();
        var queue = (IReassociationQueue)app.Services.GetService(typeof(IReassociationQueue))!;
        await queue.EnqueueAsync(new ReassociationRequest(org, ReassociationScope.All, "test"));
        var done = await app.WaitForReassociationAsync(org);
        Assert.Equal((ReassociationState.Completed, 0, 1d), (done!.State, done.Total, done.Fraction));

        var missing = Guid.NewGuid();
        await queue.EnqueueAsync(new ReassociationRequest(missing, ReassociationScope.ForDomains("x.com"), "test"));
        var failed = await app.WaitForReassociationAsync(missing);
        Assert.Equal(ReassociationState.Failed, failed!.State);
        Assert.False(string.IsNullOrEmpty(failed.TraceId));
    }

    private async Task ReassociateEverythingAsync(Guid org)
    {
        var queue = (IReassociationQueue)app.Services.GetService(typeof(IReassociationQueue))!;
        await queue.EnqueueAsync(new ReassociationRequest(org, ReassociationScope.All, "test"));
        var done = await app.WaitForReassociationAsync(org);
        Assert.Equal(ReassociationState.Completed, done!.State);
    }
}
