using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using EmailSync.GmailEmulator.Control;

namespace EmailSync.Web.Hosting;

/// <summary>Seeds the demo organization and its three users (Development, or Demo:Enabled=true).</summary>
internal sealed class DemoSeeder(
    IServiceProvider services,
    IOptions<DemoOptions> options,
    IHostEnvironment environment,
    ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!(options.Value.Enabled ?? environment.IsDevelopment()))
        {
            return;
        }

        await SeedAsync(services, cancellationToken);
        logger.LogInformation("Demo organization {Organization} ready; sign in as {Admin}", DemoOptions.OrganizationName, DemoOptions.Users[0].Email);
    }

    /// <summary>Creates whatever part of the demo organization and users is missing (idempotent).</summary>
    internal static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var organizations = scope.ServiceProvider.GetRequiredService<OrganizationService>();
        await using var db = scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateSystem();

        var org = await db.Organizations.FirstOrDefaultAsync(o => o.Name == DemoOptions.OrganizationName, cancellationToken);
        foreach (var (email, name, role) in DemoOptions.Users)
        {
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name };
                var created = await users.CreateAsync(user, DemoOptions.Password);
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException($"Could not seed demo user {email}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
                }
            }

            if (org is null)
            {
                org = await organizations.CreateAsync(DemoOptions.OrganizationName, user.Id, cancellationToken);
                await using var edit = scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateForOrganization(org.Id);
                var stored = await edit.Organizations.FirstAsync(o => o.Id == org.Id, cancellationToken);
                stored.InternalDomains = [DemoOptions.Domain];
                stored.GmailImportEnabled = true;
                foreach (var alias in DemoOptions.Aliases)
                {
                    edit.Aliases.Add(new Alias { OrganizationId = org.Id, Address = alias, IsVerified = true, SyncEnabled = true });
                }

                var demo = scope.ServiceProvider.GetRequiredService<IOptions<DemoOptions>>().Value;
                if (demo.SeedCustomers && scope.ServiceProvider.GetService<EmulatorState>() is { } emulator)
                {
                    // The companies the emulator's mail comes from: connecting Gmail fills their timelines.
                    // Threads with these customers are imported (the aliases stay as the team's own addresses).
                    stored.SyncScope = SyncScope.CustomerThreads;
                    var companies = emulator.World.Companies.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Take(demo.CustomerCount);
                    foreach (var company in companies)
                    {
                        edit.Customers.Add(new Customer
                        {
                            OrganizationId = org.Id,
                            Name = company.Name,
                            Domains = [new CustomerDomain { OrganizationId = org.Id, Domain = company.Domain }],
                            Contacts = company.Contacts.Select((c, i) => new Contact { OrganizationId = org.Id, Email = c.Address, Name = c.Name, IsChampion = i == 0 }).ToList(),
                        });
                    }
                }

                await edit.SaveChangesAsync(cancellationToken);
            }
            else
            {
                await organizations.AddMemberAsync(org.Id, user.Id, role, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
