using EmailSync.Core.Association;
using EmailSync.Core.Domain;

namespace EmailSync.Tests.Association;

/// <summary>The pure rules of DESIGN §4, one at a time, against an in-memory directory.</summary>
public sealed class AssociatorTests
{
    private const long Acme = 1;
    private const long Globex = 2;
    private const long AcmeEurope = 3;
    private const long Initech = 4;

    private static AssociationRuleSet BaseRules => new()
    {
        Customers =
        [
            new CustomerEntry(Acme, "Acme"),
            new CustomerEntry(Globex, "Globex Corporation"),
            new CustomerEntry(AcmeEurope, "Acme Europe"),
            new CustomerEntry(Initech, "Initech"),
        ],
        Domains =
        [
            new DomainEntry(Acme, "acme.com"),
            new DomainEntry(Globex, "globex.com"),
            new DomainEntry(AcmeEurope, "eu.acme.com"),
        ],
        Contacts =
        [
            new ContactEntry(11, Acme, "maria@acme.com"),
            new ContactEntry(12, Acme, "maria.personal@gmail.com"),
            new ContactEntry(13, Initech, "peter@globex.com"),
        ],
        InternalDomains = ["ours.example"],
        OwnAddresses = ["collections@billing-partner.com", "ana.private@gmail.com"],
    };

    private static Associator Engine(Func<AssociationRuleSet, AssociationRuleSet>? change = null) =>
        new(AssociationDirectory.Create(change is null ? BaseRules : change(BaseRules)));

    private static AssociationCandidate Mail(params (ParticipantKind Kind, string Address)[] participants) => new()
    {
        Participants = participants.Select(p => new CandidateParticipant(p.Kind, p.Address)).ToArray(),
    };

    private static (ParticipantKind, string) From(string a) => (ParticipantKind.From, a);

    private static (ParticipantKind, string) To(string a) => (ParticipantKind.To, a);

    private static (ParticipantKind, string) Cc(string a) => (ParticipantKind.Cc, a);

    private static AssociationMatch Single(AssociationResult result)
    {
        Assert.Equal(AssociationOutcome.Matched, result.Outcome);
        return Assert.Single(result.Matches);
    }

    [Fact]
    public void Domain_MatchesTheCustomer_WithTheDomainAsMatchedValue()
    {
        var match = Single(Engine().Associate(Mail(From("bob@acme.com"), To("ana@ours.example"))));
        Assert.Equal(new AssociationMatch(Acme, null, MatchReason.Domain, "acme.com"), match);
    }

    [Fact]
    public void Contact_BeatsDomain_ForTheSameCustomer()
    {
        var result = Engine().Associate(Mail(From("bob@acme.com"), To("ana@ours.example"), Cc("Maria@ACME.com")));
        Assert.Equal(new AssociationMatch(Acme, 11, MatchReason.Contact, "maria@acme.com"), Single(result));
    }

    [Fact]
    public void Contact_BeatsTheDomainOfItsAddress_WhenTheyPointToDifferentCustomers()
    {
        // peter@globex.com is a known contact of Initech: his address decides, not Globex's domain.
        var match = Single(Engine().Associate(Mail(From("peter@globex.com"), To("ana@ours.example"))));
        Assert.Equal(Initech, match.CustomerId);
        Assert.Equal(MatchReason.Contact, match.Reason);
    }

    [Theory]
    [InlineData("bob@mail.acme.com", Acme, "acme.com")]
    [InlineData("bob@a.b.c.acme.com", Acme, "acme.com")]
    [InlineData("bob@eu.acme.com", AcmeEurope, "eu.acme.com")]
    [InlineData("bob@mail.eu.acme.com", AcmeEurope, "eu.acme.com")]
    public void ParentDomains_Match_AndTheLongestSuffixWins(string address, long customer, string matched)
    {
        var match = Single(Engine().Associate(Mail(From(address), To("ana@ours.example"))));
        Assert.Equal(customer, match.CustomerId);
        Assert.Equal(matched, match.MatchedValue);
    }

    [Theory]
    [InlineData("bob@notacme.com")]
    [InlineData("bob@acme.com.evil.net")]
    [InlineData("bob@com")]
    public void LookalikeDomains_DoNotMatch(string address)
    {
        var result = Engine().Associate(Mail(From(address), To("ana@ours.example")));
        Assert.Equal(AssociationOutcome.Unmatched, result.Outcome);
    }

    [Theory]
    [InlineData("someone@gmail.com")]
    [InlineData("someone@outlook.com")]
    [InlineData("someone@gmx.de")]
    [InlineData("someone@gmx.co.uk")]
    [InlineData("someone@yandex.ru")]
    [InlineData("someone@uol.com.br")]
    public void FreeMailDomains_NeverMatchByDomain_EvenIfACustomerHasThem(string address)
    {
        var engine = Engine(r => r with
        {
            Domains = [.. r.Domains, new DomainEntry(Acme, "gmail.com"), new DomainEntry(Acme, "gmx.de"), new DomainEntry(Acme, "outlook.com"),
                new DomainEntry(Acme, "gmx.co.uk"), new DomainEntry(Acme, "yandex.ru"), new DomainEntry(Acme, "uol.com.br")],
        });
        var result = engine.Associate(Mail(From(address), To("ana@ours.example")));
        Assert.Equal(AssociationOutcome.Unmatched, result.Outcome);
        Assert.Equal(address, result.Detail);
        Assert.True(result.DetailIsAddress);
    }

    [Fact]
    public void FreeMail_MatchesByExactContactAddress()
    {
        var match = Single(Engine().Associate(Mail(From("maria.personal@gmail.com"), To("ana@ours.example"))));
        Assert.Equal(new AssociationMatch(Acme, 12, MatchReason.Contact, "maria.personal@gmail.com"), match);
    }

    [Fact]
    public void OrganizationsOwnGenericAdditions_AreFreeMail()
    {
        var engine = Engine(r => r with { GenericDomains = ["globex.com"] });
        Assert.Equal(AssociationOutcome.Unmatched, engine.Associate(Mail(From("x@globex.com"), To("ana@ours.example"))).Outcome);
    }

    [Fact]
    public void InternalOnlyMail_IsFlagged_AndNotImported()
    {
        var result = Engine().Associate(Mail(From("ana@ours.example"), To("bo@eu.ours.example"), Cc("collections@billing-partner.com")));
        Assert.Equal(AssociationOutcome.InternalOnly, result.Outcome);
        Assert.False(result.ShouldImport);
        Assert.Empty(result.Matches);
    }

    [Fact]
    public void OwnAliasesAndMemberAddresses_NeverMatch()
    {
        // An alias at a customer's domain and a member's private gmail are the organization's own.
        var engine = Engine(r => r with { OwnAddresses = [.. r.OwnAddresses, "support@acme.com"] });
        var result = engine.Associate(Mail(From("support@acme.com"), To("ana.private@gmail.com"), Cc("bob@globex.com")));
        Assert.Equal(Globex, Single(result).CustomerId);

        var own = engine.Associate(Mail(From("support@acme.com"), To("ana.private@gmail.com")));
        Assert.Equal(AssociationOutcome.InternalOnly, own.Outcome);
    }

    [Fact]
    public void InternalDomain_NeverMatches_EvenWhenACustomerClaimsIt()
    {
        var engine = Engine(r => r with { Domains = [.. r.Domains, new DomainEntry(Globex, "ours.example")] });
        Assert.Equal(AssociationOutcome.InternalOnly, engine.Associate(Mail(From("ana@ours.example"), To("bo@ours.example"))).Outcome);
    }

    [Theory]
    [InlineData(true, false, "news@acme.com")]
    [InlineData(false, true, "bob@acme.com")]
    [InlineData(false, false, "noreply@acme.com")]
    [InlineData(false, false, "no-reply-billing@acme.com")]
    [InlineData(false, false, "MAILER-DAEMON@acme.com")]
    public void BulkAndAutomatedMail_IsNotLinkedAutomatically(bool bulk, bool automated, string from)
    {
        var candidate = new AssociationCandidate
        {
            Participants = [new(ParticipantKind.From, from), new(ParticipantKind.To, "ana@ours.example")],
            IsBulk = bulk,
            IsAutomated = automated,
        };
        var result = Engine().Associate(candidate);
        Assert.Equal(AssociationOutcome.BulkOrAutomated, result.Outcome);
        Assert.Empty(result.Matches);
    }

    [Fact]
    public void ExcludedAddress_IsNeverLinked()
    {
        var engine = Engine(r => r with { ExcludedAddresses = ["ceo@acme.com"] });
        var result = engine.Associate(Mail(From("ceo@acme.com"), To("ana@ours.example"), Cc("maria@acme.com")));
        Assert.Equal(AssociationOutcome.Excluded, result.Outcome);
        Assert.Equal("ceo@acme.com", result.Detail);
        Assert.Empty(result.Matches);

        Assert.Equal(Acme, Single(engine.Associate(Mail(From("maria@acme.com"), To("ana@ours.example")))).CustomerId);
    }

    [Fact]
    public void ExcludedDomain_AndItsSubdomains_AreNeverLinked()
    {
        var engine = Engine(r => r with { ExcludedDomains = ["globex.com"] });
        var sub = engine.Associate(Mail(From("x@hr.globex.com"), To("ana@ours.example")));
        Assert.Equal((AssociationOutcome.Excluded, "globex.com"), (sub.Outcome, sub.Detail));
        Assert.Equal(AssociationOutcome.Excluded, engine.Associate(Mail(From("bob@acme.com"), To("x@globex.com"))).Outcome);
    }

    [Fact]
    public void ExcludingAColleague_KeepsInternalOnlyMailInternal()
    {
        var engine = Engine(r => r with { ExcludedAddresses = ["ceo@ours.example"] });
        Assert.Equal(AssociationOutcome.InternalOnly, engine.Associate(Mail(From("ceo@ours.example"), To("ana@ours.example"))).Outcome);
        Assert.Equal(AssociationOutcome.Excluded, engine.Associate(Mail(From("ceo@ours.example"), To("bob@acme.com"))).Outcome);
    }

    [Fact]
    public void TwoCustomers_LinkToEach_AndAreShared()
    {
        var result = Engine().Associate(Mail(From("bob@acme.com"), To("ana@ours.example"), Cc("jo@globex.com")));
        Assert.Equal(AssociationOutcome.Matched, result.Outcome);
        Assert.True(result.IsShared);
        Assert.Equal([Acme, Globex], result.Matches.Select(m => m.CustomerId).Order());
    }

    [Fact]
    public void BodyReference_IsOffByDefault()
    {
        var candidate = new AssociationCandidate
        {
            Participants = [new(ParticipantKind.From, "friend@partner.net"), new(ParticipantKind.To, "ana@ours.example")],
            BodyText = "We heard Globex Corporation is unhappy.",
        };
        Assert.Equal(AssociationOutcome.Unmatched, Engine().Associate(candidate).Outcome);
    }

    [Fact]
    public void BodyReference_WhenOn_MatchesWholeWordNames_OnlyWhenNothingElseMatched()
    {
        var engine = Engine(r => r with { BodyReferenceEnabled = true });
        AssociationResult Run(string from, string body) => engine.Associate(new AssociationCandidate
        {
            Participants = [new(ParticipantKind.From, from), new(ParticipantKind.To, "ana@ours.example")],
            BodyText = body,
        });

        var named = Single(Run("friend@partner.net", "We heard GLOBEX corporation, is unhappy."));
        Assert.Equal(new AssociationMatch(Globex, null, MatchReason.BodyReference, "Globex Corporation"), named);

        // Whole words only, all words of the name.
        Assert.Equal(AssociationOutcome.Unmatched, Run("friend@partner.net", "Globex alone, or Initechnology.").Outcome);
        Assert.Equal(Initech, Single(Run("friend@partner.net", "About Initech's renewal")).CustomerId);

        // Accents do not matter either way.
        var accented = Engine(r => r with { BodyReferenceEnabled = true, Customers = [.. r.Customers, new CustomerEntry(9, "Telefónica España")] });
        AssociationResult Accented(string body) => accented.Associate(new AssociationCandidate
        {
            Participants = [new(ParticipantKind.From, "friend@partner.net"), new(ParticipantKind.To, "ana@ours.example")],
            BodyText = body,
        });
        Assert.Equal(9, Single(Accented("la reunión con TELEFONICA espana")).CustomerId);
        Assert.Equal(9, Single(Accented("Telefónica España renovó")).CustomerId);

        // A domain match wins: the body is not read then.
        Assert.Equal(MatchReason.Domain, Single(Run("bob@acme.com", "Say hi to Initech")).Reason);
    }

    [Fact]
    public void UnmatchedMail_NamesATemporaryCustomer_AfterTheSendersDomain_OrItsAddressForFreeMail()
    {
        var byDomain = Engine().Associate(Mail(From("ana@ours.example"), To("new.person@Newco.io")));
        Assert.Equal((AssociationOutcome.Unmatched, "newco.io", false), (byDomain.Outcome, byDomain.Detail, byDomain.DetailIsAddress));

        var freeMail = Engine().Associate(Mail(From("Someone@hotmail.com"), To("ana@ours.example"), Cc("x@newco.io")));
        Assert.Equal(("someone@hotmail.com", true), (freeMail.Detail, freeMail.DetailIsAddress));
    }

    [Fact]
    public void ReplyTo_IsIgnored_AndParticipantsWithoutDomainAreDerived()
    {
        var candidate = new AssociationCandidate
        {
            Participants = [new(ParticipantKind.From, "ana@ours.example", "ours.example"), new(ParticipantKind.ReplyTo, "x@globex.com"), new(ParticipantKind.To, "bob@acme.com")],
        };
        Assert.Equal(Acme, Single(Engine().Associate(candidate)).CustomerId);
    }
}
