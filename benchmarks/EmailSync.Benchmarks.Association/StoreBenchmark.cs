using EmailSync.Core;
using EmailSync.Core.Association;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Globalization;

namespace EmailSync.Benchmarks.Association;

/// <summary>
/// The seam the sync pipeline calls: stored messages linked through <see cref="AssociationService.LinkAsync"/>
/// on a fresh SQLite file (5,000 customers, 50,000 contacts, 20,000 messages in threads of two).
/// </summary>
internal static class StoreBenchmark
{
    private const int Customers = 5_000;
    private const int Messages = 20_000;
    private const int Batch = 400;

    public static async Task RunAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "emailsync-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder, DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "bench.db")}",
                ["Database:MigrateOnStart"] = "false",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddEmailSyncCore();
            using var host = builder.Build();
            var factory = host.Services.CreateScope().ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>();
            var org = new Organization { Name = "Bench", InternalDomains = ["ours.example"] };
            await using (var db = factory.CreateSystem())
            {
                await db.Database.EnsureCreatedAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
                db.Organizations.Add(org);
                await db.SaveChangesAsync();
            }

            await using (var db = factory.CreateForOrganization(org.Id))
            {
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                for (var c = 1; c <= Customers; c++)
                {
                    db.Customers.Add(new Customer
                    {
                        Name = $"Customer {c}",
                        Domains = [new CustomerDomain { Domain = $"customer{c}.com" }],
                        Contacts = Enumerable.Range(0, 10).Select(k => new Contact { Email = $"person{k}@customer{c}.com" }).ToList(),
                    });
                }

                await db.SaveChangesAsync();
            }

            var random = new Random(7);
            var ids = new List<long>(Messages);
            await using (var db = factory.CreateForOrganization(org.Id))
            {
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                var messages = new List<EmailMessage>(Messages);
                for (var i = 0; i < Messages; i++)
                {
                    var c = (int)(i / 2 * 7919L % Customers) + 1; // both messages of a thread involve one customer
                    var external = random.Next(3) == 0 ? $"person{random.Next(10)}@customer{c}.com" : $"new{i}@mail.customer{c}.com";
                    var inbound = i % 2 == 0;
                    messages.Add(new EmailMessage
                    {
                        RfcMessageId = $"<{i}@bench>",
                        ThreadKey = "t" + (i / 2).ToString(CultureInfo.InvariantCulture),
                        SentAt = DateTimeOffset.UtcNow,
                        BodyStored = true,
                        Participants =
                        [
                            Participant(ParticipantKind.From, inbound ? external : "ana@ours.example"),
                            Participant(ParticipantKind.To, inbound ? "ana@ours.example" : external),
                        ],
                    });
                }

                db.EmailMessages.AddRange(messages);
                await db.SaveChangesAsync();
                ids.AddRange(messages.Select(m => m.Id));
            }

            await using var scope = host.Services.CreateAsyncScope();
            var association = scope.ServiceProvider.GetRequiredService<AssociationService>();
            await association.LinkAsync(org.Id, ids.Take(Batch).ToArray(), CancellationToken.None); // warm-up
            var watch = Stopwatch.StartNew();
            var added = 0;
            foreach (var chunk in ids.Skip(Batch).Chunk(Batch))
            {
                added += (await association.LinkAsync(org.Id, chunk, CancellationToken.None)).LinksAdded;
            }

            watch.Stop();
            var linked = ids.Count - Batch;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"association (store): {linked / watch.Elapsed.TotalSeconds:N0} messages/s through LinkAsync on SQLite ({Customers:N0} customers, {Customers * 10:N0} contacts, {linked:N0} messages in batches of {Batch}, {added:N0} links written)"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static EmailParticipant Participant(ParticipantKind kind, string address) =>
        new() { Kind = kind, Address = address, Domain = address[(address.IndexOf('@') + 1)..] };
}
