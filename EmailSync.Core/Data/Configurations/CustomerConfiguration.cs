using EmailSync.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EmailSync.Core.Data.Configurations;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => new { c.OrganizationId, c.Name });
        builder.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrganizationId);
        builder.HasMany(c => c.Domains).WithOne().HasForeignKey(d => d.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Contacts).WithOne(c => c.Customer).HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerDomainConfiguration : IEntityTypeConfiguration<CustomerDomain>
{
    public void Configure(EntityTypeBuilder<CustomerDomain> builder)
    {
        builder.Property(d => d.Domain).HasMaxLength(253);
        builder.HasIndex(d => new { d.OrganizationId, d.Domain }).IsUnique();
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.Property(c => c.Email).HasMaxLength(320);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => new { c.OrganizationId, c.Email }).IsUnique();
    }
}
