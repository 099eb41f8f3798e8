using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Diagnostics;

namespace EmailSync.Core.Association;

/// <summary>
/// Consumes <see cref="ReassociationQueue"/>: re-associates an organization's stored mail after its rules
/// changed, publishing progress through <see cref="ReassociationNotifier"/>, then asks the sync side
/// (<see cref="IMessageBodyFetcher"/>) for the bodies of mail that became linked while metadata-only.
/// Each request runs in its own scope, logs and survives its own failure; shutdown is normal.
/// </summary>
public sealed partial class ReassociationWorker(
    ReassociationQueue queue,
    IServiceScopeFactory scopes,
    ReassociationNotifier notifier,
    TimeProvider clock,
    ILogger<ReassociationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ReassociationRequest request;
            try
            {
                request = await queue.DequeueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await RunAsync(request, stoppingToken);
        }
    }

    internal async Task RunAsync(ReassociationRequest request, CancellationToken ct)
    {
        using var activity = new Activity("Reassociate").Start();
        var traceId = activity.TraceId.ToString();
        var last = new ReassociationProgress(request.OrganizationId, ReassociationState.Running, request.Reason, 0, 0, 0, 0, 0, 0, 0, null, traceId, clock.GetUtcNow());
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var association = scope.ServiceProvider.GetRequiredService<AssociationService>();
            LogStarted(request.OrganizationId, request.Scope.ToString(), request.Reason);
            var summary = await association.ReassociateAsync(request.OrganizationId, request.Scope, async (processed, total, s) =>
            {
                last = last with
                {
                    Processed = processed,
                    Total = total,
                    LinksAdded = s.LinksAdded,
                    LinksRemoved = s.LinksRemoved,
                    LinksUpdated = s.LinksUpdated,
                    UpdatedAt = clock.GetUtcNow(),
                };
                await notifier.PublishAsync(last);
            }, ct);

            var (requested, pending) = await FetchBodiesAsync(scope.ServiceProvider, association, request.OrganizationId, summary.LinkedWithoutBody, ct);
            last = last with { State = ReassociationState.Completed, BodiesRequested = requested, BodiesPending = pending, UpdatedAt = clock.GetUtcNow() };
            LogCompleted(request.OrganizationId, last.Processed, summary.LinksAdded, summary.LinksRemoved, summary.LinksUpdated, pending);
            await notifier.PublishAsync(last);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown: the request is lost with the process; the next change re-queues its scope.
        }
        catch (Exception ex)
        {
            LogFailed(ex, request.OrganizationId, traceId);
            await notifier.PublishAsync(last with { State = ReassociationState.Failed, Error = ex.Message, UpdatedAt = clock.GetUtcNow() });
        }
    }

    private async Task<(int Requested, int Pending)> FetchBodiesAsync(
        IServiceProvider services, AssociationService association, Guid organizationId, IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return (0, 0);
        }

        var fetcher = services.GetService<IMessageBodyFetcher>();
        if (fetcher is null)
        {
            LogNoBodyFetcher(organizationId, ids.Count);
            return (0, ids.Count);
        }

        var stored = await fetcher.FetchBodiesAsync(organizationId, ids, ct);

        // With bodies in hand the body-reference rule can see them; links are recomputed (idempotently).
        await association.LinkAsync(organizationId, ids, ct);
        return (ids.Count, ids.Count - stored);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-associating {Organization} ({Scope}): {Reason}")]
    private partial void LogStarted(Guid organization, string scope, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-associated {Organization}: {Processed} emails, +{Added} -{Removed} ~{Updated} links, {Pending} bodies pending")]
    private partial void LogCompleted(Guid organization, int processed, int added, int removed, int updated, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-association of {Organization} failed (trace {TraceId})")]
    private partial void LogFailed(Exception ex, Guid organization, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} emails of {Organization} are now linked but metadata-only, and no IMessageBodyFetcher is registered to fetch their bodies")]
    private partial void LogNoBodyFetcher(Guid organization, int count);
}
