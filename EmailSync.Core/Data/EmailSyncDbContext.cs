using EmailSync.Core.Domain;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using System.Linq.Expressions;

namespace EmailSync.Core.Data;

/// <summary>
/// The one database of EmailSync. Every <see cref="ITenantOwned"/> row is filtered to
/// <see cref="TenantId"/>; a context made for background work across organizations sets
/// <see cref="AllTenants"/> instead.
///
/// Each provider has its own subclass and its own migrations. To add a migration for both:
/// <code>
/// dotnet ef migrations add NAME -p EmailSync.Core -s EmailSync.Core -c SqliteEmailSyncDbContext -o Data/Migrations/Sqlite
/// dotnet ef migrations add NAME -p EmailSync.Core -s EmailSync.Core -c SqlServerEmailSyncDbContext -o Data/Migrations/SqlServer
/// </code>
/// </summary>
public abstract class EmailSyncDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options)
{
    /// <summary>The organization this context sees. Null with <see cref="AllTenants"/> false sees nothing.</summary>
    public Guid? TenantId { get; set; }

    /// <summary>True only for system work (migrations, sync workers) that spans organizations.</summary>
    public bool AllTenants { get; set; }

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Alias> Aliases => Set<Alias>();
    public DbSet<MailboxConnection> MailboxConnections => Set<MailboxConnection>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerDomain> CustomerDomains => Set<CustomerDomain>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<EmailMessage> EmailMessages => Set<EmailMessage>();
    public DbSet<EmailParticipant> EmailParticipants => Set<EmailParticipant>();
    public DbSet<EmailAttachment> EmailAttachments => Set<EmailAttachment>();
    public DbSet<EmailSource> EmailSources => Set<EmailSource>();
    public DbSet<EmailLink> EmailLinks => Set<EmailLink>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<MailboxSyncState> MailboxSyncStates => Set<MailboxSyncState>();
    public DbSet<ReplyDraft> ReplyDrafts => Set<ReplyDraft>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(EmailSyncDbContext).Assembly);

        foreach (var entity in builder.Model.GetEntityTypes().Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType)))
        {
            typeof(EmailSyncDbContext)
                .GetMethod(nameof(ApplyTenantFilter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(entity.ClrType)
                .Invoke(this, [builder]);
        }
    }

    private void ApplyTenantFilter<T>(ModelBuilder builder) where T : class, ITenantOwned
    {
        Expression<Func<T, bool>> filter = e => AllTenants || e.OrganizationId == TenantId;
        builder.Entity<T>().HasQueryFilter(filter);
    }
}

/// <summary>The embedded default: a SQLite file under the data folder.</summary>
public sealed class SqliteEmailSyncDbContext(DbContextOptions<SqliteEmailSyncDbContext> options) : EmailSyncDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no DateTimeOffset type: store UTC ticks so ordering and ranges run in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }
}

/// <summary>DateTimeOffset as UTC ticks (an ordered INTEGER); values come back in UTC.</summary>
public sealed class UtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));

/// <summary>The production provider for several instances.</summary>
public sealed class SqlServerEmailSyncDbContext(DbContextOptions<SqlServerEmailSyncDbContext> options) : EmailSyncDbContext(options);
