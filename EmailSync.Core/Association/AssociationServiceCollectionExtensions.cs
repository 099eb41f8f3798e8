using EmailSync.Core.Customers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmailSync.Core.Association;

internal static class AssociationServiceCollectionExtensions
{
    public static void AddAssociation(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<AssociationDirectoryCache>();
        services.AddSingleton<ReassociationNotifier>();
        services.AddSingleton<ReassociationQueue>();
        services.AddSingleton<IReassociationQueue>(sp => sp.GetRequiredService<ReassociationQueue>());
        services.AddHostedService<ReassociationWorker>();

        services.AddScoped<AssociationService>();
        services.AddScoped<MatchingRulesService>();
        services.AddScoped<ContactService>();
        services.AddScoped<CustomerImportService>();

        // IMessageBodyFetcher is deliberately not registered here: the Gmail sync implements and registers it.
    }
}
