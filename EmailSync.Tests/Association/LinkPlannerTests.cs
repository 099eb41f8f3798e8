using EmailSync.Core.Association;
using EmailSync.Core.Domain;

namespace EmailSync.Tests.Association;

/// <summary>The rules that span messages: whole threads, manual links and unlinks, shared.</summary>
public sealed class LinkPlannerTests
{
    private static readonly Associator Engine = new(AssociationDirectory.Create(new AssociationRuleSet
    {
        Customers = [new CustomerEntry(1, "Acme"), new CustomerEntry(2, "Globex")],
        Domains = [new DomainEntry(1, "acme.com"), new DomainEntry(2, "globex.com")],
        InternalDomains = ["ours.example"],
    }));

    private static StoredMessage Message(long id, string? thread, string from, string to, bool bulk = false) => new(id, thread, new AssociationCandidate
    {
        Participants = [new(ParticipantKind.From, from), new(ParticipantKind.To, to)],
        IsBulk = bulk,
    });

    private static LinkPlanner.Plan Plan(IReadOnlyList<StoredMessage> messages, Dictionary<long, IReadOnlyList<StoredLink>>? existing = null) =>
        LinkPlanner.Build(Engine, messages, existing ?? []);

    [Fact]
    public void AThreadLinksAsAWhole_AReplyWithoutTheCustomerStaysOnItsTimeline()
    {
        var plan = Plan(
        [
            Message(1, "t", "bob@acme.com", "ana@ours.example"),
            Message(2, "t", "ana@ours.example", "bo@ours.example"),
            Message(3, "other", "ana@ours.example", "bo@ours.example"),
        ]);

        Assert.Equal(new PlannedLink(1, null, MatchReason.Domain, "acme.com", false), Assert.Single(plan.Links[1]));
        Assert.Equal(new PlannedLink(1, null, MatchReason.Thread, "acme.com", false), Assert.Single(plan.Links[2]));
        Assert.Empty(plan.Links[3]);
    }

    [Fact]
    public void ManualUnlink_Wins_AndOtherMessagesOfTheThreadKeepTheirLink()
    {
        var plan = Plan(
            [Message(1, "t", "bob@acme.com", "ana@ours.example"), Message(2, "t", "bob@acme.com", "ana@ours.example")],
            new() { [1] = [new StoredLink(1, null, MatchReason.Manual, "manual", IsSuppressed: true)] });

        Assert.Empty(plan.Links[1]);
        Assert.Equal(MatchReason.Domain, Assert.Single(plan.Links[2]).Reason);
    }

    [Fact]
    public void ManualLink_IsKept_AndSharesWithAutomaticOnes()
    {
        var plan = Plan(
            [Message(1, null, "bob@acme.com", "ana@ours.example")],
            new() { [1] = [new StoredLink(2, null, MatchReason.Manual, "manual", IsSuppressed: false)] });

        var links = plan.Links[1].OrderBy(l => l.CustomerId).ToList();
        Assert.Equal([1L, 2L], links.Select(l => l.CustomerId));
        Assert.Equal([MatchReason.Domain, MatchReason.Manual], links.Select(l => l.Reason));
        Assert.All(links, l => Assert.True(l.IsShared));
    }

    [Fact]
    public void ManualLink_OnOneMessage_CarriesToTheRestOfTheThread()
    {
        var plan = Plan(
            [Message(1, "t", "x@partner.net", "ana@ours.example"), Message(2, "t", "ana@ours.example", "x@partner.net")],
            new() { [1] = [new StoredLink(2, null, MatchReason.Manual, "manual", IsSuppressed: false)] });

        Assert.Equal(MatchReason.Manual, Assert.Single(plan.Links[1]).Reason);
        Assert.Equal(new PlannedLink(2, null, MatchReason.Thread, "manual", false), Assert.Single(plan.Links[2]));
    }

    [Fact]
    public void BulkMessage_InACustomerThread_IsNotLinked()
    {
        var plan = Plan([Message(1, "t", "bob@acme.com", "ana@ours.example"), Message(2, "t", "news@acme.com", "ana@ours.example", bulk: true)]);
        Assert.Single(plan.Links[1]);
        Assert.Empty(plan.Links[2]);
    }

    [Fact]
    public void TwoCustomersInOneThread_MakeEveryMessageShared()
    {
        var plan = Plan([Message(1, "t", "bob@acme.com", "ana@ours.example"), Message(2, "t", "jo@globex.com", "ana@ours.example")]);
        Assert.All(plan.Links.Values, links =>
        {
            Assert.Equal(2, links.Count);
            Assert.All(links, l => Assert.True(l.IsShared));
        });
        Assert.Equal(MatchReason.Thread, plan.Links[1].Single(l => l.CustomerId == 2).Reason);
    }
}
