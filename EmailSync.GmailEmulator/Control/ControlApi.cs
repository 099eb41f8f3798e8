using System.Text;
using System.Text.Json;
using EmailSync.GmailEmulator.Model;
using EmailSync.GmailEmulator.OAuth;
using EmailSync.GmailEmulator.Push;
using EmailSync.GmailEmulator.Quota;
using MimeKit;

namespace EmailSync.GmailEmulator.Control;

/// <summary>The JSON control API under /emulator (see README.md): mailboxes, tokens, delivery, faults, quota, push.</summary>
public sealed class ControlApi(EmulatorState state, TokenService tokens, QuotaGovernor quota, FaultInjector faults, PushNotifier push, TimeProvider time)
{
    private MailboxStore Store => state.Store;

    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!.TrimEnd('/');
        var seg = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var m = ctx.Request.Method;
        try
        {
            object? result = (seg, m) switch
            {
                (["emulator", "status"], "GET") => new { status = "ok", mailboxes = Store.All.Count, seed = state.Seed },
                (["emulator", "corpus"], "GET") => Corpus(),
                (["emulator", "mailboxes"], "GET") => Store.All.Select(Info).ToArray(),
                (["emulator", "mailboxes"], "POST") => CreateMailbox(await ReadAsync<CreateMailboxRequest>(ctx)),
                (["emulator", "mailboxes", var a], "GET") => Info(Box(a)),
                (["emulator", "mailboxes", var a, "messages"], "GET") => GroundTruth(Box(a)),
                (["emulator", "mailboxes", var a, "messages"], "POST") => Deliver(Box(a), await ReadAsync<DeliverRequest>(ctx)),
                (["emulator", "mailboxes", var a, "messages", var id], "DELETE") => Store.Delete(Box(a), id) ? new { deleted = id } : throw new ControlException(404, $"No message {id}."),
                (["emulator", "mailboxes", var a, "messages", var id, "labels"], "POST") => ChangeLabels(Box(a), id, await ReadAsync<LabelChangeRequest>(ctx)),
                (["emulator", "mailboxes", var a, "revoke-tokens"], "POST") => new { revoked = tokens.RevokeAll(Box(a).Address) },
                (["emulator", "mailboxes", var a, "expire-tokens"], "POST") => new { expired = tokens.Expire(Box(a).Address, ctx.Request.Query["refreshTokens"] == "true") },
                (["emulator", "mailboxes", var a, "expire-history"], "POST") => ExpireHistory(Box(a)),
                (["emulator", "tokens"], "POST") => IssueToken(await ReadAsync<IssueTokenRequest>(ctx)),
                (["emulator", "faults"], "GET") => faults.Pending(),
                (["emulator", "faults"], "POST") => AddFault(await ReadAsync<FaultSpec>(ctx)),
                (["emulator", "faults"], "DELETE") => ClearFaults(),
                (["emulator", "quota"], "GET") => quota.Snapshot(),
                (["emulator", "quota"], "PUT") => SetQuota(await ReadAsync<SetQuotaRequest>(ctx)),
                (["emulator", "quota", "reset"], "POST") => ResetQuota(),
                (["emulator", "push"], "GET") => new { endpoint = push.Endpoint, watches = push.Watches, sent = push.Sent },
                (["emulator", "push"], "PUT") => SetPush(await ReadAsync<PushSettings>(ctx)),
                _ => throw new ControlException(404, $"No control route {m} {path}."),
            };
            await WriteAsync(ctx, 200, result);
        }
        catch (ControlException ex)
        {
            await WriteAsync(ctx, ex.Status, new { error = ex.Message });
        }
        catch (JsonException ex)
        {
            await WriteAsync(ctx, 400, new { error = "Invalid JSON: " + ex.Message });
        }
        catch (FormatException ex)
        {
            await WriteAsync(ctx, 400, new { error = ex.Message });
        }
        catch (InvalidOperationException ex)
        {
            await WriteAsync(ctx, 409, new { error = ex.Message });
        }
    }

    private sealed class ControlException(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }

    private static async Task<T> ReadAsync<T>(HttpContext ctx) =>
        await JsonSerializer.DeserializeAsync<T>(ctx.Request.Body, ControlJson.Options, ctx.RequestAborted)
        ?? throw new ControlException(400, "A JSON body is required.");

    private static async Task WriteAsync(HttpContext ctx, int status, object? value)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, value, value?.GetType() ?? typeof(object), ControlJson.Options, ctx.RequestAborted);
    }

    private Mailbox Box(string address) => Store.Find(address) ?? throw new ControlException(404, $"No mailbox {address}.");

    private static MailboxInfo Info(Mailbox b)
    {
        lock (b.Sync)
        {
            return new MailboxInfo(b.Address, b.DisplayName, b.Aliases, b.MessageCount, b.ThreadCount, b.HistoryId.ToString(System.Globalization.CultureInfo.InvariantCulture), b.OldestValidHistoryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private CorpusInfo Corpus() => new(
        state.Seed,
        state.World.OrganizationDomain,
        state.World.Companies.Select(c => new CompanyInfo(c.Name, c.Domain, c.Language, c.Contacts.Select(p => p.Address).ToArray())).ToArray(),
        state.World.Colleagues.Select(p => p.Address).ToArray());

    private MailboxInfo CreateMailbox(CreateMailboxRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Address) || !r.Address.Contains('@'))
        {
            throw new ControlException(400, "address must be an email address.");
        }

        return Info(state.CreateMailbox(r.Address, r.DisplayName, r.Aliases, r.MessageCount ?? 0));
    }

    public static GroundTruthMessage[] GroundTruth(Mailbox b)
    {
        lock (b.Sync)
        {
            var ordered = b.OrderedAscending;
            var result = new GroundTruthMessage[ordered.Count];
            for (var i = 0; i < ordered.Count; i++)
            {
                var m = ordered[ordered.Count - 1 - i];
                var d = m.Content.Doc;
                result[i] = new GroundTruthMessage(
                    m.Id, m.ThreadId, m.InternalDate, m.Labels.Order(StringComparer.Ordinal).ToArray(),
                    (d.From.Count > 0 ? d.From[0].Address : ""), d.To.Select(a => a.Address).ToArray(), d.Cc.Select(a => a.Address).ToArray(),
                    d.Bcc.Select(a => a.Address).ToArray(), d.DeliveredTo.Select(a => a.Address).ToArray(), d.Subject, d.MessageIdHeader,
                    d.Filenames, m.Category, m.HistoryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return result;
        }
    }

    private DeliveredMessage Deliver(Mailbox box, DeliverRequest r)
    {
        byte[] raw;
        if (r.Raw is not null)
        {
            raw = Base64Url.Decode(r.Raw);
        }
        else if (r.RawText is not null)
        {
            raw = Encoding.UTF8.GetBytes(r.RawText);
        }
        else
        {
            raw = Compose(box, r);
        }

        if (raw.Length == 0)
        {
            throw new ControlException(400, "The message is empty.");
        }

        string[]? labels;
        lock (box.Sync)
        {
            labels = r.LabelIds?.Select(l => box.FindLabel(l)?.Id ?? l).ToArray();
        }

        var m = Store.Deliver(box, raw, labels, r.ThreadId, r.InternalDate is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
        lock (box.Sync)
        {
            return new DeliveredMessage(m.Id, m.ThreadId, m.HistoryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private byte[] Compose(Mailbox box, DeliverRequest r)
    {
        var msg = new MimeMessage();
        var from = MailboxAddress.Parse(r.From ?? "someone@example.com");
        if (!box.Owns(from.Address))
        {
            msg.Headers.Add("Delivered-To", box.Address);
        }

        msg.From.Add(from);
        foreach (var t in r.To is { Count: > 0 } to ? to : [box.Address])
        {
            msg.To.Add(MailboxAddress.Parse(t));
        }

        foreach (var c in r.Cc ?? [])
        {
            msg.Cc.Add(MailboxAddress.Parse(c));
        }

        foreach (var b in r.Bcc ?? [])
        {
            msg.Bcc.Add(MailboxAddress.Parse(b));
        }

        msg.Subject = r.Subject ?? "";
        msg.Date = r.InternalDate is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : time.GetUtcNow();
        msg.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(msg.From.Mailboxes.First().Domain);
        if (r.InReplyTo is not null)
        {
            var id = r.InReplyTo.Trim('<', '>');
            msg.InReplyTo = id;
            msg.References.Add(id);
        }

        var builder = new BodyBuilder { TextBody = r.Body ?? "", HtmlBody = r.Html };
        foreach (var a in r.Attachments ?? [])
        {
            builder.Attachments.Add(a.FileName, Convert.FromBase64String(a.DataBase64), ContentType.Parse(a.MimeType));
        }

        msg.Body = builder.ToMessageBody();
        using var ms2 = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        msg.WriteTo(format, ms2);
        return ms2.ToArray();
    }

    private object ChangeLabels(Mailbox box, string id, LabelChangeRequest r)
    {
        if (!Store.ModifyLabels(box, id, r.Add ?? [], r.Remove ?? []))
        {
            throw new ControlException(404, $"No message {id}.");
        }

        lock (box.Sync)
        {
            var m = box.Find(id)!;
            return new { id, labelIds = m.Labels.Order(StringComparer.Ordinal).ToArray(), historyId = m.HistoryId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }

    private MailboxInfo ExpireHistory(Mailbox box)
    {
        lock (box.Sync)
        {
            box.ExpireHistory();
        }

        return Info(box);
    }

    private IssuedToken IssueToken(IssueTokenRequest r)
    {
        var box = Box(r.Mailbox);
        var clientId = r.ClientId ?? "emulator-control";
        var grant = tokens.GetOrCreateGrant(box.Address, clientId);
        foreach (var s in GmailScopes.Normalize(r.Scopes))
        {
            grant.Scopes.Add(s);
        }

        var at = tokens.IssueAccessToken(grant, r.Scopes, r.LifetimeSeconds is { } secs ? TimeSpan.FromSeconds(secs) : null);
        var rt = r.IncludeRefreshToken ? tokens.IssueRefreshToken(grant, r.Scopes).Token : null;
        return new IssuedToken(at.Token, rt, (int)(at.Expires - time.GetUtcNow()).TotalSeconds, string.Join(' ', at.Scopes), clientId);
    }

    private object AddFault(FaultSpec spec)
    {
        if (spec.Status is null && spec.LatencyMs is null && !spec.Drop)
        {
            throw new ControlException(400, "A fault needs status, latencyMs or drop.");
        }

        faults.Add(spec);
        return faults.Pending();
    }

    private FaultSpec[] ClearFaults()
    {
        faults.Clear();
        return Array.Empty<FaultSpec>();
    }

    private QuotaSettings SetQuota(SetQuotaRequest r) =>
        quota.Configure(r.Tier, new QuotaLimits { PerUserPerMinute = r.PerUserPerMinute, PerProjectPerMinute = r.PerProjectPerMinute, ConcurrentPerUser = r.ConcurrentPerUser }, r.UserLimitStatus);

    private QuotaCounters ResetQuota()
    {
        quota.ResetCounters();
        return quota.Snapshot();
    }

    private object SetPush(PushSettings s)
    {
        push.Endpoint = s.Endpoint;
        return new { endpoint = push.Endpoint };
    }
}
