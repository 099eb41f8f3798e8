using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EmailSync.Core.Data.Configurations;

internal sealed class EmailMessageConfiguration : IEntityTypeConfiguration<EmailMessage>
{
    public void Configure(EntityTypeBuilder<EmailMessage> builder)
    {
        builder.Property(m => m.RfcMessageId).HasMaxLength(450);
        builder.Property(m => m.InReplyTo).HasMaxLength(450);
        builder.Property(m => m.ThreadKey).HasMaxLength(64);
        builder.Property(m => m.Subject).HasMaxLength(1000);
        builder.Property(m => m.FromAddress).HasMaxLength(320);
        builder.Property(m => m.FromName).HasMaxLength(320);
        builder.Property(m => m.Snippet).HasMaxLength(500);
        builder.Property(m => m.Language).HasMaxLength(8);
        builder.Property(m => m.Direction).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Sentiment).HasConversion<string>().HasMaxLength(16);

        // Idempotent import: one row per organization and RFC Message-ID, whichever mailbox it came from.
        builder.HasIndex(m => new { m.OrganizationId, m.RfcMessageId }).IsUnique();
        builder.HasIndex(m => new { m.OrganizationId, m.SentAt });
        builder.HasIndex(m => new { m.OrganizationId, m.ThreadKey });
        builder.HasOne<Organization>().WithMany().HasForeignKey(m => m.OrganizationId);

        builder.HasMany(m => m.Participants).WithOne().HasForeignKey(p => p.EmailMessageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.EmailMessageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Sources).WithOne().HasForeignKey(s => s.EmailMessageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Links).WithOne().HasForeignKey(l => l.EmailMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EmailParticipantConfiguration : IEntityTypeConfiguration<EmailParticipant>
{
    public void Configure(EntityTypeBuilder<EmailParticipant> builder)
    {
        builder.Property(p => p.Address).HasMaxLength(320);
        builder.Property(p => p.DisplayName).HasMaxLength(320);
        builder.Property(p => p.Domain).HasMaxLength(253);
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(8);
        builder.HasIndex(p => new { p.OrganizationId, p.Address });
        builder.HasIndex(p => new { p.OrganizationId, p.Domain });
    }
}

internal sealed class EmailAttachmentConfiguration : IEntityTypeConfiguration<EmailAttachment>
{
    public void Configure(EntityTypeBuilder<EmailAttachment> builder)
    {
        builder.Property(a => a.FileName).HasMaxLength(500);
        builder.Property(a => a.ContentType).HasMaxLength(200);
        builder.Property(a => a.ContentId).HasMaxLength(500);
        builder.Property(a => a.GmailAttachmentId).HasMaxLength(2000);
    }
}

internal sealed class EmailSourceConfiguration : IEntityTypeConfiguration<EmailSource>
{
    public void Configure(EntityTypeBuilder<EmailSource> builder)
    {
        builder.Property(s => s.GmailMessageId).HasMaxLength(64);
        builder.Property(s => s.GmailThreadId).HasMaxLength(64);
        // Idempotent import: a mailbox's Gmail message is recorded once.
        builder.HasIndex(s => new { s.MailboxConnectionId, s.GmailMessageId }).IsUnique();
        builder.HasOne<MailboxConnection>().WithMany().HasForeignKey(s => s.MailboxConnectionId);
    }
}

internal sealed class EmailLinkConfiguration : IEntityTypeConfiguration<EmailLink>
{
    public void Configure(EntityTypeBuilder<EmailLink> builder)
    {
        builder.Property(l => l.Reason).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.MatchedValue).HasMaxLength(320);
        builder.HasIndex(l => new { l.EmailMessageId, l.CustomerId }).IsUnique();
        builder.HasIndex(l => new { l.OrganizationId, l.CustomerId });
        builder.HasOne(l => l.Customer).WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.NoAction);
        builder.HasOne<Contact>().WithMany().HasForeignKey(l => l.ContactId).OnDelete(DeleteBehavior.NoAction);
    }
}
