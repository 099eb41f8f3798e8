using EmailSync.Core.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EmailSync.Core.Data;

internal static class DataServiceCollectionExtensions
{
    public static void AddData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<TenantAndAuditInterceptor>();
        services.AddScoped<TenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());

        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.IsSqlite)
        {
            var connectionString = ResolveSqlitePath(options.ConnectionString, builder.Environment.ContentRootPath);
            services.AddDbContextFactory<SqliteEmailSyncDbContext>((sp, o) => o
                .UseSqlite(connectionString, s => s.MigrationsAssembly(typeof(EmailSyncDbContext).Assembly.FullName))
                .AddInterceptors(sp.GetRequiredService<TenantAndAuditInterceptor>()));
            services.AddScoped<IEmailSyncDbContextFactory, EmailSyncDbContextFactory<SqliteEmailSyncDbContext>>();
            services.AddSingleton<ISystemDbContextFactory, SystemDbContextFactory<SqliteEmailSyncDbContext>>();
        }
        else
        {
            services.AddDbContextFactory<SqlServerEmailSyncDbContext>((sp, o) => o
                .UseSqlServer(options.ConnectionString, s => s.EnableRetryOnFailure())
                .AddInterceptors(sp.GetRequiredService<TenantAndAuditInterceptor>()));
            services.AddScoped<IEmailSyncDbContextFactory, EmailSyncDbContextFactory<SqlServerEmailSyncDbContext>>();
            services.AddSingleton<ISystemDbContextFactory, SystemDbContextFactory<SqlServerEmailSyncDbContext>>();
        }

        // Identity's stores take a scoped context; it is tenant-scoped like every other one.
        services.AddScoped<EmailSyncDbContext>(sp =>
            sp.GetRequiredService<IEmailSyncDbContextFactory>().CreateDbContextAsync().GetAwaiter().GetResult());
        services.AddHostedService<DatabaseMigrator>();
    }

    /// <summary>Makes a relative SQLite file absolute under the content root and creates its folder.</summary>
    internal static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is { Length: > 0 } source && source != ":memory:" && !csb.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.IsPathRooted(source) ? source : Path.GetFullPath(Path.Combine(contentRoot, source));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            csb.DataSource = path;
        }

        return csb.ToString();
    }
}

/// <summary>Applies pending migrations before the app serves its first request.</summary>
internal sealed class DatabaseMigrator(IServiceProvider services, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        await using var db = scope.ServiceProvider.GetRequiredService<IEmailSyncDbContextFactory>().CreateSystem();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets the UI read while the sync writer writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        logger.LogInformation("Database ready ({Provider})", options.Value.Provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
