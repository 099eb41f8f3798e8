using EmailSync.Core.Association;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmailSync.Tests.Association;

public sealed class ReassociationQueueTests
{
    private static ReassociationProgress Progress(Guid org, ReassociationState state) =>
        new(org, state, "test", 0, 0, 0, 0, 0, 0, 0, null, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Notifier_DeliversToSubscribersOfTheOrganization_UntilDisposed_AndSurvivesABrokenOne()
    {
        var notifier = new ReassociationNotifier(NullLogger<ReassociationNotifier>.Instance);
        var org = Guid.NewGuid();
        var received = new List<ReassociationState>();
        using var broken = notifier.Subscribe(org, _ => throw new InvalidOperationException("circuit gone"));
        var subscription = notifier.Subscribe(org, p =>
        {
            received.Add(p.State);
            return Task.CompletedTask;
        });

        await notifier.PublishAsync(Progress(org, ReassociationState.Running));
        await notifier.PublishAsync(Progress(Guid.NewGuid(), ReassociationState.Running));
        subscription.Dispose();
        subscription.Dispose();
        await notifier.PublishAsync(Progress(org, ReassociationState.Completed));

        Assert.Equal([ReassociationState.Running], received);
        Assert.Equal(ReassociationState.Completed, notifier.GetLatest(org)!.State);
    }

    [Fact]
    public async Task Queue_CoalescesRequestsOfOneOrganization_IntoTheUnionOfTheirScopes()
    {
        var notifier = new ReassociationNotifier(NullLogger<ReassociationNotifier>.Instance);
        var queue = new ReassociationQueue(notifier, TimeProvider.System);
        var org = Guid.NewGuid();
        var other = Guid.NewGuid();
        await queue.EnqueueAsync(new ReassociationRequest(org, ReassociationScope.ForDomains("acme.com"), "a"));
        await queue.EnqueueAsync(new ReassociationRequest(other, ReassociationScope.ForAddresses("x@y.com"), "b"));
        await queue.EnqueueAsync(new ReassociationRequest(org, ReassociationScope.ForAddresses("maria@globex.com"), "c"));
        await queue.EnqueueAsync(new ReassociationRequest(org, new ReassociationScope([], []), "nothing to do"));
        Assert.Equal(ReassociationState.Queued, notifier.GetLatest(org)!.State);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var first = await queue.DequeueAsync(timeout.Token);
        var second = await queue.DequeueAsync(timeout.Token);
        Assert.Equal((org, "a; c"), (first.OrganizationId, first.Reason));
        Assert.Equal(["acme.com"], first.Scope.Domains);
        Assert.Equal(["maria@globex.com"], first.Scope.Addresses);
        Assert.Equal(other, second.OrganizationId);
        Assert.False(queue.HasPending(org));

        await queue.EnqueueAsync(new ReassociationRequest(org, ReassociationScope.ForDomains("a.com"), "d"));
        await queue.EnqueueAsync(new ReassociationRequest(org, ReassociationScope.All, "e"));
        Assert.True((await queue.DequeueAsync(timeout.Token)).Scope.Everything);
    }
}
