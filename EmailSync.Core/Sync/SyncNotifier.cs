using System.Collections.Concurrent;

namespace EmailSync.Core.Sync;

/// <summary>What changed: a mailbox's status or progress, or new mail in an organization.</summary>
public sealed record SyncEvent(long ConnectionId, string UserId, IReadOnlyCollection<Guid> Organizations, int NewMessages);

/// <summary>Background → UI: sync events for components that subscribe (after first render) and dispose.</summary>
public sealed class SyncNotifier
{
    private readonly ConcurrentDictionary<Guid, Func<SyncEvent, Task>> subscribers = new();

    public IDisposable Subscribe(Func<SyncEvent, Task> handler)
    {
        var id = Guid.NewGuid();
        subscribers[id] = handler;
        return new Subscription(() => subscribers.TryRemove(id, out _));
    }

    public async Task PublishAsync(SyncEvent change)
    {
        foreach (var handler in subscribers.Values)
        {
            try
            {
                await handler(change);
            }
            catch (ObjectDisposedException)
            {
                // A circuit went away between its dispose and our call.
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>Wakes the scheduler for one mailbox now (push notification, "Sync now", a new connection).</summary>
public sealed class SyncTrigger
{
    private readonly System.Threading.Channels.Channel<long> channel =
        System.Threading.Channels.Channel.CreateBounded<long>(new System.Threading.Channels.BoundedChannelOptions(1024)
        {
            FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest,
        });

    public void Request(long connectionId) => channel.Writer.TryWrite(connectionId);

    internal System.Threading.Channels.ChannelReader<long> Reader => channel.Reader;
}
