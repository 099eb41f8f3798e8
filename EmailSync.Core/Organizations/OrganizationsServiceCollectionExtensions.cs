using EmailSync.Core.Customers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmailSync.Core.Organizations;

internal static class OrganizationsServiceCollectionExtensions
{
    public static void AddOrganizations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<OrganizationService>();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<CustomerService>();
    }
}
