using EmailSync.Core.Association;
using EmailSync.Core.Domain;
using System.Diagnostics;
using System.Globalization;

// Association throughput, in memory: 5,000 customers, 50,000 contacts, 200,000 synthetic messages.
// Prints one line. Figures, not pass/fail (DESIGN §11); run with -c Release.
// With --store: the store-level seam instead (AssociationService.LinkAsync on SQLite, batches of 400).
if (args.Contains("--store"))
{
    await EmailSync.Benchmarks.Association.StoreBenchmark.RunAsync();
    return;
}

const int Customers = 5_000;
const int ContactsPerCustomer = 10;
const int Messages = 200_000;
const int Rounds = 5;

var random = new Random(20261124);
var rules = BuildRules(random);
var build = Stopwatch.StartNew();
var associator = new Associator(AssociationDirectory.Create(rules));
build.Stop();
var candidates = BuildMessages(random, rules);

// Warm up (tiering, PGO), then take the best of several full passes over all messages.
var matched = Run(associator, candidates);
var best = TimeSpan.MaxValue;
for (var round = 0; round < Rounds; round++)
{
    var watch = Stopwatch.StartNew();
    Run(associator, candidates);
    watch.Stop();
    best = watch.Elapsed < best ? watch.Elapsed : best;
}

var perSecond = Messages / best.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"association: {perSecond:N0} messages/s on one thread ({Customers:N0} customers, {rules.Contacts.Count:N0} contacts, {Messages:N0} messages, {matched:N0} linked; directory built in {build.Elapsed.TotalMilliseconds:N0} ms)"));

static int Run(Associator associator, AssociationCandidate[] candidates)
{
    var linked = 0;
    foreach (var candidate in candidates)
    {
        if (associator.Associate(candidate).Outcome == AssociationOutcome.Matched)
        {
            linked++;
        }
    }

    return linked;
}

static AssociationRuleSet BuildRules(Random random)
{
    var customers = new List<CustomerEntry>(Customers);
    var domains = new List<DomainEntry>(Customers * 2);
    var contacts = new List<ContactEntry>(Customers * ContactsPerCustomer);
    long contactId = 1;
    for (var c = 1; c <= Customers; c++)
    {
        customers.Add(new CustomerEntry(c, $"Customer {c}"));
        domains.Add(new DomainEntry(c, Domain(c)));
        if (c % 3 == 0)
        {
            domains.Add(new DomainEntry(c, $"customer{c}.io"));
        }

        for (var k = 0; k < ContactsPerCustomer; k++)
        {
            // Most contacts at the customer's domain, some on free mail.
            var email = k < 8 ? $"person{k}@{Domain(c)}" : $"c{c}.person{k}@gmail.com";
            contacts.Add(new ContactEntry(contactId++, c, email));
        }
    }

    return new AssociationRuleSet
    {
        Customers = customers,
        Domains = domains,
        Contacts = contacts,
        InternalDomains = ["ours.example", "ours-group.example"],
        OwnAddresses = Enumerable.Range(0, 200).Select(i => $"alias{i}@ours.example").Append("ceo.private@gmail.com").ToList(),
        ExcludedDomains = ["lawyers.example"],
        ExcludedAddresses = ["spam@customer7.com"],
    };
}

static AssociationCandidate[] BuildMessages(Random random, AssociationRuleSet rules)
{
    var result = new AssociationCandidate[Messages];
    for (var i = 0; i < Messages; i++)
    {
        var c = random.Next(1, Customers + 1);
        var other = random.Next(1, Customers + 1);
        var us = new CandidateParticipant(ParticipantKind.To, $"user{random.Next(50)}@ours.example", "ours.example");
        var cc = new CandidateParticipant(ParticipantKind.Cc, $"alias{random.Next(200)}@ours.example", "ours.example");
        var kind = random.Next(100);
        CandidateParticipant[] participants = kind switch
        {
            < 35 => [Contact(rules, c, random, ParticipantKind.From), us, cc],                              // known contact
            < 60 => [P(ParticipantKind.From, $"new{i}@mail.{Domain(c)}"), us],                             // parent domain
            < 70 => [P(ParticipantKind.From, $"someone{i}@gmail.com"), us, cc],                             // free mail, unknown
            < 78 => [P(ParticipantKind.From, $"x{i}@unknown{i % 997}.com"), us],                            // nobody
            < 86 => [us with { Kind = ParticipantKind.From }, cc with { Kind = ParticipantKind.To }],        // internal only
            < 92 => [P(ParticipantKind.From, $"news@{Domain(c)}"), us],                                     // bulk (flag below)
            _ => [P(ParticipantKind.From, $"a{i}@{Domain(c)}"), us, P(ParticipantKind.Cc, $"b{i}@{Domain(other)}"), cc], // shared
        };
        result[i] = new AssociationCandidate
        {
            Participants = participants,
            IsBulk = kind is >= 86 and < 92,
            Subject = "Re: renewal",
        };
    }

    return result;
}

static CandidateParticipant Contact(AssociationRuleSet rules, int customer, Random random, ParticipantKind kind)
{
    var contact = rules.Contacts[((customer - 1) * ContactsPerCustomer) + random.Next(ContactsPerCustomer)];
    return P(kind, contact.Email);
}

static CandidateParticipant P(ParticipantKind kind, string address) => new(kind, address, address[(address.IndexOf('@') + 1)..]);

static string Domain(int customer) => $"customer{customer}.com";
