using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EmailSync.GmailEmulator.Model;
using Microsoft.Extensions.Options;

namespace EmailSync.GmailEmulator.Push;

public sealed record WatchState(string Mailbox, string TopicName, IReadOnlyList<string> LabelIds, bool Exclude, DateTimeOffset Expiration);

public sealed record PushRecord(string Mailbox, string HistoryId, string MessageId, DateTimeOffset At, string Endpoint, int Status);

/// <summary>
/// Pub/Sub-style push: after <c>watch</c> one notification right away, then one per change burst,
/// at most one per <see cref="GmailEmulatorOptions.PushMinInterval"/> per user; unacknowledged (non-2xx)
/// pushes are retried while the watch lives. Watches expire after <see cref="GmailEmulatorOptions.WatchLifetime"/>.
/// </summary>
public sealed class PushNotifier : BackgroundService
{
    private readonly MailboxStore store;
    private readonly IOptionsMonitor<GmailEmulatorOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<PushNotifier> logger;
    private readonly ConcurrentDictionary<string, WatchState> watches = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> pending = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastSent = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<PushRecord> log = new();
    private readonly SemaphoreSlim signal = new(0);
    private readonly HttpClient http = new(new HttpClientHandler
    {
        // Push goes to the local app: on loopback, accept the development certificate even when untrusted.
        ServerCertificateCustomValidationCallback = (request, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || request.RequestUri?.IsLoopback == true,
    })
    { Timeout = TimeSpan.FromSeconds(10) };
    private long messageCounter = 1_000_000_000;
    private string? endpointOverride;

    public PushNotifier(MailboxStore store, IOptionsMonitor<GmailEmulatorOptions> options, TimeProvider time, ILogger<PushNotifier> logger)
    {
        this.store = store;
        this.options = options;
        this.time = time;
        this.logger = logger;
        store.Changed += OnChanged;
    }

    /// <summary>Absolute URL pushes go to (control API may change it).</summary>
    public string? Endpoint
    {
        get => endpointOverride ?? options.CurrentValue.PushEndpoint;
        set => endpointOverride = value;
    }

    public IReadOnlyList<PushRecord> Sent => log.ToArray();

    public IReadOnlyCollection<WatchState> Watches => watches.Values.ToArray();

    public WatchState Watch(Mailbox box, string topic, IReadOnlyList<string> labelIds, bool exclude)
    {
        var w = new WatchState(box.Address, topic, labelIds, exclude, time.GetUtcNow() + options.CurrentValue.WatchLifetime);
        watches[box.Address] = w;
        pending[box.Address] = true;
        lastSent.TryRemove(box.Address, out _);
        signal.Release();
        return w;
    }

    public bool Stop(Mailbox box)
    {
        pending.TryRemove(box.Address, out _);
        return watches.TryRemove(box.Address, out _);
    }

    private void OnChanged(Mailbox box, IReadOnlyCollection<string> labels)
    {
        if (!watches.TryGetValue(box.Address, out var w) || w.Expiration <= time.GetUtcNow())
        {
            return;
        }

        if (w.LabelIds.Count > 0)
        {
            var hit = labels.Any(w.LabelIds.Contains);
            if (hit == w.Exclude)
            {
                return;
            }
        }

        pending[box.Address] = true;
        signal.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(100), stoppingToken);
                await FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Push loop iteration failed");
            }
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var address in pending.Keys)
        {
            if (!watches.TryGetValue(address, out var w) || w.Expiration <= now)
            {
                pending.TryRemove(address, out _);
                watches.TryRemove(address, out _);
                continue;
            }

            if (lastSent.TryGetValue(address, out var last) && now - last < options.CurrentValue.PushMinInterval)
            {
                continue;
            }

            var endpoint = Endpoint;
            var box = store.Find(address);
            if (string.IsNullOrEmpty(endpoint) || box is null)
            {
                pending.TryRemove(address, out _);
                continue;
            }

            pending.TryRemove(address, out _);
            lastSent[address] = now;
            long historyId;
            lock (box.Sync)
            {
                historyId = box.HistoryId;
            }

            var status = await PostAsync(endpoint, box.Address, historyId, now, ct);
            if (status is < 200 or > 299)
            {
                pending[address] = true; // not acknowledged: Pub/Sub redelivers
            }
        }
    }

    private async Task<int> PostAsync(string endpoint, string address, long historyId, DateTimeOffset now, CancellationToken ct)
    {
        var data = new JsonObject { ["emailAddress"] = address, ["historyId"] = historyId.ToString(CultureInfo.InvariantCulture) }.ToJsonString();
        var messageId = Interlocked.Increment(ref messageCounter).ToString(CultureInfo.InvariantCulture);
        var envelope = new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["data"] = Base64Url.Encode(Encoding.UTF8.GetBytes(data), pad: true),
                ["messageId"] = messageId,
                ["message_id"] = messageId,
                ["publishTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["publish_time"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            },
            ["subscription"] = options.CurrentValue.PushSubscription,
        };
        int status;
        try
        {
            using var content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(endpoint, content, ct);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            logger.LogInformation("Push to {Endpoint} failed: {Message}", endpoint, ex.Message);
            status = 0;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            status = 0;
        }

        log.Enqueue(new PushRecord(address, historyId.ToString(CultureInfo.InvariantCulture), messageId, now, endpoint, status));
        while (log.Count > 1000 && log.TryDequeue(out _))
        {
        }

        return status;
    }

    public override void Dispose()
    {
        store.Changed -= OnChanged;
        http.Dispose();
        signal.Dispose();
        base.Dispose();
    }
}
