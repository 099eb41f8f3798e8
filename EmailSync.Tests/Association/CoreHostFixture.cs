using EmailSync.Core;
using EmailSync.Core.Association;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using EmailSync.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmailSync.Tests.Association;

/// <summary>
/// The real Core services (AddEmailSyncCore) on a real SQLite file, with the re-association worker running.
/// The schema comes from the model (EnsureCreated) rather than the migrations, because the association
/// columns get their migration when the branch is merged. Each test makes its own organization, so tests
/// share the host without resetting it.
/// </summary>
public sealed class CoreHostFixture : IAsyncLifetime
{
    private readonly TestDirectory directory = new();
    private IHost host = null!;

    public IServiceProvider Services => host.Services;

    public RecordingBodyFetcher BodyFetcher { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ContentRootPath = directory.Path,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={directory.File("association.db")}",
            ["Database:MigrateOnStart"] = "false",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddEmailSyncCore();
        builder.Services.AddSingleton<IMessageBodyFetcher>(BodyFetcher);
        host = builder.Build();

        await using (var db = SystemContext())
        {
            await db.Database.EnsureCreatedAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        directory.Dispose();
    }

    public EmailSyncDbContext SystemContext() =>
        Services.CreateScope().ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateSystem();

    /// <summary>A fresh organization (own domain ours.example unless told otherwise).</summary>
    public async Task<Guid> CreateOrganizationAsync(Action<Organization>? configure = null)
    {
        var org = new Organization { Name = "Org " + Guid.NewGuid().ToString("N")[..6], InternalDomains = ["ours.example"] };
        configure?.Invoke(org);
        await using var db = SystemContext();
        db.Organizations.Add(org);
        await db.SaveChangesAsync();
        return org.Id;
    }

    /// <summary>A scope acting as an admin of the organization.</summary>
    public AsyncServiceScope Scope(Guid organizationId, string? userId = null)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(userId, organizationId, isAdmin: true);
        return scope;
    }

    public T Get<T>(AsyncServiceScope scope) where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>Stores messages as the sync pipeline would (without linking them); returns their ids.</summary>
    public async Task<long[]> StoreAsync(Guid organizationId, params Mail[] mails)
    {
        await using var db = Services.CreateScope().ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateForOrganization(organizationId);
        var messages = mails.Select(m => m.Build()).ToList();
        db.EmailMessages.AddRange(messages);
        await db.SaveChangesAsync();
        return messages.Select(m => m.Id).ToArray();
    }

    /// <summary>Stores and links, as the sync pipeline does.</summary>
    public async Task<long[]> StoreAndLinkAsync(Guid organizationId, params Mail[] mails)
    {
        var ids = await StoreAsync(organizationId, mails);
        await using var scope = Scope(organizationId);
        await Get<AssociationService>(scope).LinkAsync(organizationId, ids, CancellationToken.None);
        return ids;
    }

    /// <summary>The live (not suppressed) links of a message: customer name → link.</summary>
    public async Task<Dictionary<string, EmailLink>> LinksAsync(long messageId)
    {
        await using var db = SystemContext();
        return await db.EmailLinks.AsNoTracking().Include(l => l.Customer)
            .Where(l => l.EmailMessageId == messageId && !l.IsSuppressed)
            .ToDictionaryAsync(l => l.Customer!.Name);
    }

    public async Task<List<EmailLink>> AllLinkRowsAsync(long messageId)
    {
        await using var db = SystemContext();
        return await db.EmailLinks.AsNoTracking().Where(l => l.EmailMessageId == messageId).ToListAsync();
    }

    /// <summary>Waits until no re-association is queued or running for the organization; returns the last progress.</summary>
    public async Task<ReassociationProgress?> WaitForReassociationAsync(Guid organizationId, TimeSpan? timeout = null)
    {
        var queue = Services.GetRequiredService<ReassociationQueue>();
        var notifier = Services.GetRequiredService<ReassociationNotifier>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var latest = notifier.GetLatest(organizationId);
            if (!queue.HasPending(organizationId) && (latest is null || latest.IsFinished))
            {
                return latest;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Re-association of {organizationId} did not finish in time.");
    }
}

[CollectionDefinition(Name)]
public sealed class CoreHostCollection : ICollectionFixture<CoreHostFixture>
{
    public const string Name = "Core host";
}

/// <summary>Stands in for the sync side's body fetch: records which messages it was asked for.</summary>
public sealed class RecordingBodyFetcher : IMessageBodyFetcher
{
    private readonly List<long> requested = [];

    public IReadOnlyList<long> Requested
    {
        get
        {
            lock (requested)
            {
                return [.. requested];
            }
        }
    }

    public Task<int> FetchBodiesAsync(Guid organizationId, IReadOnlyCollection<long> messageIds, CancellationToken ct)
    {
        lock (requested)
        {
            requested.AddRange(messageIds);
        }

        return Task.FromResult(messageIds.Count);
    }
}

/// <summary>A fluent builder of stored emails for tests.</summary>
public sealed class Mail
{
    private static long counter;
    private readonly List<(ParticipantKind Kind, string Address)> participants = [];
    private string subject = "Hello";
    private string? body;
    private string? thread;
    private bool bulk;
    private bool automated;
    private bool bodyStored = true;

    public static Mail From(string address) => new Mail().Add(ParticipantKind.From, address);

    public Mail To(params string[] addresses) => AddAll(ParticipantKind.To, addresses);

    public Mail Cc(params string[] addresses) => AddAll(ParticipantKind.Cc, addresses);

    public Mail Bcc(params string[] addresses) => AddAll(ParticipantKind.Bcc, addresses);

    public Mail Subject(string value)
    {
        subject = value;
        return this;
    }

    public Mail Body(string value)
    {
        body = value;
        return this;
    }

    public Mail InThread(string key)
    {
        thread = key;
        return this;
    }

    public Mail Bulk()
    {
        bulk = true;
        return this;
    }

    public Mail Automated()
    {
        automated = true;
        return this;
    }

    public Mail MetadataOnly()
    {
        bodyStored = false;
        return this;
    }

    public EmailMessage Build()
    {
        var n = Interlocked.Increment(ref counter);
        return new EmailMessage
        {
            RfcMessageId = $"<{n}.{Guid.NewGuid():N}@test>",
            ThreadKey = thread,
            Subject = subject,
            BodyText = bodyStored ? body : null,
            BodyStored = bodyStored,
            IsBulk = bulk,
            IsAutomated = automated,
            SentAt = DateTimeOffset.UtcNow,
            FromAddress = participants.FirstOrDefault(p => p.Kind == ParticipantKind.From).Address ?? "",
            Participants = participants.Select(p => new EmailParticipant
            {
                Kind = p.Kind,
                Address = p.Address,
                Domain = p.Address[(p.Address.LastIndexOf('@') + 1)..].ToLowerInvariant(),
            }).ToList(),
        };
    }

    private Mail Add(ParticipantKind kind, string address)
    {
        participants.Add((kind, address));
        return this;
    }

    private Mail AddAll(ParticipantKind kind, string[] addresses)
    {
        foreach (var a in addresses)
        {
            Add(kind, a);
        }

        return this;
    }
}
