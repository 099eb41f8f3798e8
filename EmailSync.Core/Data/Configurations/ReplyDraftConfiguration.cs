using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EmailSync.Core.Data.Configurations;

internal sealed class ReplyDraftConfiguration : IEntityTypeConfiguration<ReplyDraft>
{
    public void Configure(EntityTypeBuilder<ReplyDraft> builder)
    {
        builder.Property(d => d.UserId).HasMaxLength(450);
        builder.Property(d => d.To).HasMaxLength(4000);
        builder.Property(d => d.Cc).HasMaxLength(4000);
        builder.Property(d => d.Subject).HasMaxLength(1000);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.Property(d => d.LastErrorTraceId).HasMaxLength(64);

        // One draft per user and email.
        builder.HasIndex(d => new { d.OrganizationId, d.UserId, d.EmailMessageId }).IsUnique();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<EmailMessage>().WithMany().HasForeignKey(d => d.EmailMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
