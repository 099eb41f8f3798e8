using System.Text.Json;
using EmailSync.GmailEmulator.Quota;

namespace EmailSync.GmailEmulator.Control;

/// <summary>
/// Typed client of the emulator's control API, for tests and scripts. The HttpClient's BaseAddress is
/// the emulator root (e.g. http://127.0.0.1:5081/ or https://localhost:5001/google/).
/// </summary>
public sealed class GmailEmulatorControlClient(HttpClient http)
{
    public HttpClient Http => http;

    private static string Enc(string s) => Uri.EscapeDataString(s);

    public Task<MailboxInfo> CreateMailboxAsync(CreateMailboxRequest request, CancellationToken ct = default) =>
        SendAsync<MailboxInfo>(HttpMethod.Post, "emulator/mailboxes", request, ct);

    public Task<MailboxInfo[]> ListMailboxesAsync(CancellationToken ct = default) =>
        SendAsync<MailboxInfo[]>(HttpMethod.Get, "emulator/mailboxes", null, ct);

    public Task<MailboxInfo> GetMailboxAsync(string mailbox, CancellationToken ct = default) =>
        SendAsync<MailboxInfo>(HttpMethod.Get, $"emulator/mailboxes/{Enc(mailbox)}", null, ct);

    /// <summary>An access token for the mailbox and scopes (no consent page). With a refresh token when asked.</summary>
    public Task<IssuedToken> IssueAccessTokenAsync(string mailbox, IEnumerable<string> scopes, string? clientId = null, int? lifetimeSeconds = null, bool includeRefreshToken = false, CancellationToken ct = default) =>
        SendAsync<IssuedToken>(HttpMethod.Post, "emulator/tokens", new IssueTokenRequest(mailbox, scopes.ToArray(), clientId, lifetimeSeconds, includeRefreshToken), ct);

    public Task<DeliveredMessage> DeliverMessageAsync(string mailbox, DeliverRequest message, CancellationToken ct = default) =>
        SendAsync<DeliveredMessage>(HttpMethod.Post, $"emulator/mailboxes/{Enc(mailbox)}/messages", message, ct);

    /// <summary>Delivers exact RFC 2822 bytes.</summary>
    public Task<DeliveredMessage> DeliverRawAsync(string mailbox, byte[] raw, IEnumerable<string>? labelIds = null, CancellationToken ct = default) =>
        DeliverMessageAsync(mailbox, new DeliverRequest { Raw = Convert.ToBase64String(raw), LabelIds = labelIds?.ToArray() }, ct);

    /// <summary>Every message with id, thread, internalDate, labels and addresses, newest first (spam and trash included).</summary>
    public Task<GroundTruthMessage[]> GetMessagesAsync(string mailbox, CancellationToken ct = default) =>
        SendAsync<GroundTruthMessage[]>(HttpMethod.Get, $"emulator/mailboxes/{Enc(mailbox)}/messages", null, ct);

    public Task ModifyLabelsAsync(string mailbox, string messageId, IEnumerable<string>? add, IEnumerable<string>? remove, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"emulator/mailboxes/{Enc(mailbox)}/messages/{Enc(messageId)}/labels", new LabelChangeRequest(add?.ToArray(), remove?.ToArray()), ct);

    /// <summary>Permanently deletes a message (history: messageDeleted).</summary>
    public Task DeleteMessageAsync(string mailbox, string messageId, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Delete, $"emulator/mailboxes/{Enc(mailbox)}/messages/{Enc(messageId)}", null, ct);

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> ("messages.get", "*", ...) fail with a status, wait, or drop the connection.</summary>
    public Task InjectFaultAsync(FaultSpec fault, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "emulator/faults", fault, ct);

    public Task InjectFaultAsync(string method, int count, int? status = null, int? latencyMs = null, bool drop = false, string? mailbox = null, CancellationToken ct = default) =>
        InjectFaultAsync(new FaultSpec { Method = method, Count = count, Status = status, LatencyMs = latencyMs, Drop = drop, Mailbox = mailbox }, ct);

    public Task ClearFaultsAsync(CancellationToken ct = default) => SendAsync<JsonElement>(HttpMethod.Delete, "emulator/faults", null, ct);

    /// <summary>The user removed the app's access: every refresh and access token of the mailbox stops working.</summary>
    public Task RevokeAllTokensAsync(string mailbox, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"emulator/mailboxes/{Enc(mailbox)}/revoke-tokens", null, ct);

    /// <summary>Access tokens of the mailbox expire now; with <paramref name="refreshTokens"/> refresh tokens too (invalid_grant).</summary>
    public Task ExpireTokensAsync(string mailbox, bool refreshTokens = false, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"emulator/mailboxes/{Enc(mailbox)}/expire-tokens?refreshTokens={(refreshTokens ? "true" : "false")}", null, ct);

    /// <summary>Forgets the mailbox's history: any earlier startHistoryId now gets 404.</summary>
    public Task<MailboxInfo> ExpireHistoryAsync(string mailbox, CancellationToken ct = default) =>
        SendAsync<MailboxInfo>(HttpMethod.Post, $"emulator/mailboxes/{Enc(mailbox)}/expire-history", null, ct);

    public Task<QuotaSettings> SetQuotaAsync(QuotaTier tier, int? perUserPerMinute = null, int? perProjectPerMinute = null, int? concurrentPerUser = null, int? userLimitStatus = null, CancellationToken ct = default) =>
        SendAsync<QuotaSettings>(HttpMethod.Put, "emulator/quota", new SetQuotaRequest(tier, perUserPerMinute, perProjectPerMinute, concurrentPerUser, userLimitStatus), ct);

    public Task<QuotaCounters> GetQuotaCountersAsync(CancellationToken ct = default) =>
        SendAsync<QuotaCounters>(HttpMethod.Get, "emulator/quota", null, ct);

    public Task<QuotaCounters> ResetQuotaCountersAsync(CancellationToken ct = default) =>
        SendAsync<QuotaCounters>(HttpMethod.Post, "emulator/quota/reset", null, ct);

    public Task SetPushEndpointAsync(string? endpoint, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Put, "emulator/push", new PushSettings(endpoint), ct);

    public Task<JsonElement> GetPushStateAsync(CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Get, "emulator/push", null, ct);

    /// <summary>The generated world: organization domain, customer companies (domain, language, contacts), colleagues.</summary>
    public Task<CorpusInfo> GetCorpusAsync(CancellationToken ct = default) =>
        SendAsync<CorpusInfo>(HttpMethod.Get, "emulator/corpus", null, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ControlJson.Options);
        }

        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException($"Emulator control {method} {path} failed: {(int)response.StatusCode} {text}", null, response.StatusCode);
        }

        return (await response.Content.ReadFromJsonAsync<T>(ControlJson.Options, ct))!;
    }
}
