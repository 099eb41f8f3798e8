using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EmailSync.Core.Data.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.SyncScope).HasConversion<string>().HasMaxLength(32);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.HasIndex(m => new { m.OrganizationId, m.UserId }).IsUnique();
        builder.HasIndex(m => m.UserId);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasOne(m => m.Organization).WithMany().HasForeignKey(m => m.OrganizationId);
        builder.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId);
    }
}

internal sealed class AliasConfiguration : IEntityTypeConfiguration<Alias>
{
    public void Configure(EntityTypeBuilder<Alias> builder)
    {
        builder.Property(a => a.Address).HasMaxLength(320);
        builder.Property(a => a.VerificationCodeHash).HasMaxLength(128);
        builder.HasIndex(a => new { a.OrganizationId, a.Address }).IsUnique();
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId);
    }
}

internal sealed class MailboxConnectionConfiguration : IEntityTypeConfiguration<MailboxConnection>
{
    public void Configure(EntityTypeBuilder<MailboxConnection> builder)
    {
        builder.HasIndex(c => c.UserId).IsUnique();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.UserId);
        builder.Property(c => c.GoogleAccount).HasMaxLength(320);
        builder.Property(c => c.GrantedScopes).HasMaxLength(2000);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.BackfillPageToken).HasMaxLength(2000);
        builder.Property(c => c.LastError).HasMaxLength(2000);
        builder.Property(c => c.LastErrorTraceId).HasMaxLength(64);
        builder.Property(c => c.LeaseOwner).HasMaxLength(200);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.Target).HasMaxLength(500);
        builder.Property(a => a.TraceId).HasMaxLength(64);
        builder.HasIndex(a => new { a.OrganizationId, a.At });
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId);
    }
}

internal sealed class MailboxSyncStateConfiguration : IEntityTypeConfiguration<MailboxSyncState>
{
    public void Configure(EntityTypeBuilder<MailboxSyncState> builder)
    {
        builder.HasIndex(s => new { s.MailboxConnectionId, s.OrganizationId }).IsUnique();
        builder.Property(s => s.ScopeFingerprint).HasMaxLength(64);
        builder.Property(s => s.PageToken).HasMaxLength(2000);
        builder.HasOne<MailboxConnection>().WithMany().HasForeignKey(s => s.MailboxConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId);
    }
}
