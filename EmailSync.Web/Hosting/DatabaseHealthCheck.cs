using EmailSync.Core.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EmailSync.Web.Hosting;

/// <summary>/healthz is healthy when the database answers.</summary>
internal sealed class DatabaseHealthCheck(IEmailSyncDbContextFactory factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateSystem();
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("database reachable")
            : HealthCheckResult.Unhealthy("database unreachable");
    }
}
