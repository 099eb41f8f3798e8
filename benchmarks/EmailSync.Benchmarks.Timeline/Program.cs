// Customer 360 latency harness (DESIGN §11: "a timeline with 10,000 emails opens its first page in < 150 ms server time").
//   dotnet run -c Release --project benchmarks/EmailSync.Benchmarks.Timeline -- [--emails N] [--noise N] [--runs R]
// Seeds a fresh SQLite file (WAL, the real migrations) with one customer holding N emails in threads of 1–6, plus
// `noise` emails of other customers, then times the reads the page makes: first timeline page, header, a filtered
// page, a thread expansion, and the customers list. Prints median and p95 of warm runs and the first (cold) run.
using System.Diagnostics;
using EmailSync.Core;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using EmailSync.Core.Timeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var emails = ArgValue(args, "--emails", 10_000);
var noise = ArgValue(args, "--noise", 20_000);
var runs = ArgValue(args, "--runs", 30);

var folder = Path.Combine(Path.GetTempPath(), "emailsync-bench-timeline-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(folder);
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder, EnvironmentName = "Production" });
builder.Configuration["Database:Provider"] = "Sqlite";
builder.Configuration["Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "bench.db")}";
builder.Configuration["Sync:Enabled"] = "false";
builder.Logging.ClearProviders();
builder.AddEmailSyncCore();
using var host = builder.Build();
var services = host.Services;

var organizationId = Guid.NewGuid();
long customerId;
var seedClock = Stopwatch.StartNew();
await using (var db = services.GetRequiredService<ISystemDbContextFactory>().CreateSystem())
{
    await db.Database.MigrateAsync();
    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    db.Organizations.Add(new Organization { Id = organizationId, Name = "Bench", InternalDomains = ["northwind.example"] });
    var customers = Enumerable.Range(0, 51).Select(i => new Customer
    {
        OrganizationId = organizationId,
        Name = i == 0 ? "Acme" : $"Customer {i:D3}",
        Domains = [new CustomerDomain { OrganizationId = organizationId, Domain = i == 0 ? "acme.com" : $"c{i}.example" }],
        Contacts = [new Contact { OrganizationId = organizationId, Email = i == 0 ? "maria@acme.com" : $"ceo@c{i}.example", Name = "Champion", IsChampion = true }],
    }).ToList();
    db.Customers.AddRange(customers);
    await db.SaveChangesAsync();
    customerId = customers[0].Id;
    var others = customers.Skip(1).ToList();

    var random = new Random(42);
    var now = DateTimeOffset.UtcNow;
    var total = emails + noise;
    var thread = 0;
    var left = 0;
    for (var i = 0; i < total; i++)
    {
        var mine = i < emails;
        var customer = mine ? customers[0] : others[random.Next(others.Count)];
        var domain = customer.Domains[0].Domain;
        if (left-- <= 0)
        {
            thread++;
            left = random.Next(0, 6);
        }

        var outbound = random.NextDouble() < 0.4;
        var customerAddress = $"person{random.Next(8)}@{domain}";
        var message = new EmailMessage
        {
            OrganizationId = organizationId,
            RfcMessageId = $"m{i}@bench",
            ThreadKey = $"{(mine ? "a" : "n")}{thread:x8}",
            Subject = $"Subject {thread} about renewal {random.Next(1000)}",
            Snippet = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
            BodyText = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " + new string('x', random.Next(200, 2000)),
            BodyStored = true,
            SentAt = now.AddMinutes(-i * 13 - random.Next(10)),
            ImportedAt = now,
            Direction = outbound ? EmailDirection.Outbound : EmailDirection.Inbound,
            FromAddress = outbound ? "alex@northwind.example" : customerAddress,
            HasAttachments = random.NextDouble() < 0.15,
        };
        message.Participants.Add(Person(ParticipantKind.From, message.FromAddress));
        message.Participants.Add(Person(ParticipantKind.To, outbound ? customerAddress : "success@northwind.example"));
        if (random.NextDouble() < 0.3)
        {
            message.Participants.Add(Person(ParticipantKind.Cc, $"cc{random.Next(5)}@{domain}"));
        }

        if (message.HasAttachments)
        {
            message.Attachments.Add(new EmailAttachment { OrganizationId = organizationId, FileName = "report.pdf", ContentType = "application/pdf", Size = 123_456 });
        }

        message.Links.Add(new EmailLink { OrganizationId = organizationId, CustomerId = customer.Id, Reason = MatchReason.Domain, MatchedValue = domain, CreatedAt = now });
        if (mine && random.NextDouble() < 0.05)
        {
            message.Links.Add(new EmailLink { OrganizationId = organizationId, CustomerId = others[0].Id, Reason = MatchReason.Contact, MatchedValue = "ceo@c1.example", IsShared = true, CreatedAt = now });
        }

        db.EmailMessages.Add(message);
        if (i % 2000 == 1999)
        {
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
    }

    await db.SaveChangesAsync();
    await db.Database.ExecuteSqlRawAsync("ANALYZE;");

    EmailParticipant Person(ParticipantKind kind, string address) => new()
    {
        OrganizationId = organizationId,
        Kind = kind,
        Address = address,
        Domain = address[(address.IndexOf('@') + 1)..],
    };
}

Console.WriteLine($"seeded {emails:N0} emails for the customer and {noise:N0} for 50 others in {seedClock.Elapsed.TotalSeconds:F1} s ({Environment.ProcessorCount} cores)");

await using var scope = services.CreateAsyncScope();
scope.ServiceProvider.GetRequiredService<TenantContext>().Set("bench-user", organizationId, isAdmin: false);
var timeline = scope.ServiceProvider.GetRequiredService<TimelineService>();
var directory = scope.ServiceProvider.GetRequiredService<CustomerDirectory>();
var firstPage = await timeline.GetPageAsync(customerId);
var key = firstPage.Threads[3].Key;

await Measure("timeline first page (25 threads)", () => timeline.GetPageAsync(customerId));
await Measure("customer header (stats)", () => timeline.GetHeaderAsync(customerId, TimeZoneInfo.Utc));
await Measure("first page + header (page load)", async () =>
{
    await timeline.GetHeaderAsync(customerId, TimeZoneInfo.Utc);
    return await timeline.GetPageAsync(customerId);
});
await Measure("second page (cursor)", () => timeline.GetPageAsync(customerId, after: firstPage.Next));
await Measure("filtered page (text 'renewal 42' + sent)", () => timeline.GetPageAsync(customerId, new TimelineFilter { Text = "renewal 42", Direction = EmailDirection.Outbound }));
await Measure("thread expansion", () => timeline.GetThreadAsync(customerId, key));
await Measure("customers list (51, sorted by last inbound)", () => directory.ListAsync(null, CustomerSort.LastInbound, true, 0, 25));

await host.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

async Task Measure<T>(string name, Func<Task<T>> action)
{
    var cold = Stopwatch.StartNew();
    await action();
    cold.Stop();
    var times = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        await action();
        times.Add(sw.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    Console.WriteLine($"{name,-46} median {times[times.Count / 2],7:F1} ms   p95 {times[(int)(times.Count * 0.95)],7:F1} ms   first {cold.Elapsed.TotalMilliseconds,7:F1} ms");
}

static int ArgValue(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
}
