using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Mime;
using EmailSync.Core.Organizations;
using EmailSync.Core.Sync;
using EmailSync.Core.Tenancy;
using Google;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using System.Diagnostics;
using System.Net;

namespace EmailSync.Core.Replies;

/// <summary>
/// Replying from the timeline (DESIGN §7): prepares the composer (recipients, "Re:" subject, quote, the user's Gmail
/// as sender, a saved draft if any) and sends — only when the user presses Send — through the user's own Gmail in
/// the same thread. The sent email is stored at once with its RFC Message-ID and a source row for the Gmail id, so
/// sync recognises it later instead of importing it twice. A failed send keeps the draft and says why, with a trace id.
/// </summary>
public sealed class ReplyService(
    IEmailSyncDbContextFactory factory,
    ITenantContext tenant,
    IReplySender sender,
    EmailStore store,
    IEmailParser parser,
    ReplyDraftService drafts,
    AuditLog audit,
    SyncNotifier notifier,
    TimeProvider clock,
    ILogger<ReplyService> logger)
{
    /// <summary>How long Send waits for Gmail (its retries included) before saying it could not confirm.</summary>
    public static TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public async Task<ReplyAvailability> GetAvailabilityAsync(CancellationToken ct = default)
    {
        var connection = await ConnectionAsync(ct);
        return Availability(connection);
    }

    /// <summary>The composer's starting point for Reply / Reply all on an email: the user's saved draft when there is one.</summary>
    public async Task<ReplyForm?> PrepareAsync(long messageId, bool replyAll, TimeZoneInfo timeZone, CancellationToken ct = default)
    {
        var connection = await ConnectionAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var original = await LoadOriginalAsync(db, messageId, ct);
        if (original is null)
        {
            return null;
        }

        var own = await OwnAddressesAsync(db, connection, ct);
        var (to, cc) = ReplyMessageBuilder.Recipients(original, replyAll, own);
        var form = new ReplyForm
        {
            MessageId = messageId,
            ReplyAll = replyAll,
            To = to,
            Cc = cc,
            Subject = ReplyMessageBuilder.ReplySubject(original.Subject),
            Quote = ReplyMessageBuilder.Quote(original, timeZone),
            From = connection?.GoogleAccount ?? "",
        };

        var draft = await drafts.GetAsync(messageId, ct);
        if (draft is not null)
        {
            form.ReplyAll = draft.ReplyAll;
            form.To = ReplyDraftService.SplitRecipients(draft.To);
            form.Cc = ReplyDraftService.SplitRecipients(draft.Cc);
            form.Subject = draft.Subject;
            form.Body = draft.Body;
            form.FromDraft = true;
            form.LastError = draft.LastError;
            form.LastErrorTraceId = draft.LastErrorTraceId;
        }

        return form;
    }

    /// <summary>
    /// Sends the reply. Call only from the user's click on Send: nothing else in EmailSync sends mail
    /// (a test walks the assemblies' IL to keep it that way).
    /// </summary>
    public async Task<SendOutcome> SendAsync(ReplyForm form, CancellationToken ct = default)
    {
        var errors = ReplyMessageBuilder.Validate(form);
        if (errors.Count > 0)
        {
            return new SendOutcome(SendFailure.Validation, string.Join(" ", errors), Errors: errors);
        }

        var organizationId = tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");
        var connection = await ConnectionAsync(ct);
        var availability = Availability(connection);
        if (!availability.CanSend)
        {
            await drafts.SaveAsync(form, availability.Explanation, null, ct);
            return new SendOutcome(SendFailure.NotAllowed, availability.Explanation);
        }

        ReplyOriginal? original;
        string? threadKey;
        string? gmailThreadId;
        InternalAddresses internals;
        string? fromName;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            original = await LoadOriginalAsync(db, form.MessageId, ct);
            if (original is null)
            {
                return new SendOutcome(SendFailure.NotAllowed, "The email you are replying to no longer exists in this organization.");
            }

            threadKey = await db.EmailMessages.Where(m => m.Id == form.MessageId).Select(m => m.ThreadKey).FirstAsync(ct);
            gmailThreadId = await ThreadInSenderMailboxAsync(db, connection!.Id, form.MessageId, threadKey, ct);
            internals = await InternalsAsync(db, organizationId, connection, ct);
            fromName = await db.Users.Where(u => u.Id == connection.UserId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        }

        // The draft is saved before anything leaves, so a failure (or a crash) never loses what the user wrote.
        await drafts.SaveAsync(form, ct: ct);
        var now = clock.GetUtcNow();
        form.From = connection.GoogleAccount;
        var mime = ReplyMessageBuilder.Build(form, original, connection.GoogleAccount, string.IsNullOrWhiteSpace(fromName) ? null : fromName, now);
        var raw = ReplyMessageBuilder.ToBytes(mime);

        var trace = Activity.Current?.TraceId.ToString() ?? ActivityTraceId.CreateRandom().ToString();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TraceId"] = trace });
        SentMessage sent;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(SendTimeout);
            sent = await sender.SendAsync(connection, raw, gmailThreadId, timeout.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var (failure, message) = Classify(ex, connection.GoogleAccount);
            logger.LogWarning(ex, "Sending a reply to message {MessageId} failed ({Failure}); trace {TraceId}", form.MessageId, failure, trace);
            await drafts.SaveAsync(form, message, trace, CancellationToken.None);
            return new SendOutcome(failure, message, TraceId: trace);
        }

        logger.LogInformation("Reply to message {MessageId} sent as Gmail {GmailId} in thread {ThreadId}", form.MessageId, sent.GmailId, sent.ThreadId);
        long? storedId = null;
        try
        {
            storedId = await StoreSentAsync(organizationId, connection, internals, sent, raw, threadKey, now, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The mail is sent; only our copy is missing. Sync imports it from the Sent folder later.
            logger.LogError(ex, "Reply {GmailId} was sent but could not be stored; sync will import it; trace {TraceId}", sent.GmailId, trace);
        }

        await drafts.DeleteAsync(form.MessageId, CancellationToken.None);
        await audit.WriteAsync("reply.sent", string.Join(", ", form.To), $"Re: message {form.MessageId}; Gmail {sent.GmailId}", CancellationToken.None);
        await notifier.PublishAsync(new SyncEvent(connection.Id, connection.UserId, [organizationId], 1));
        return new SendOutcome(SendFailure.None,
            storedId is null ? "Sent. It will appear on the timeline after the next sync." : $"Sent from {connection.GoogleAccount}.",
            storedId, trace);
    }

    private async Task<long?> StoreSentAsync(
        Guid organizationId, MailboxConnection connection, InternalAddresses internals, SentMessage sent, byte[] composed, string? threadKey, DateTimeOffset now, CancellationToken ct)
    {
        var raw = sent.StoredRaw ?? composed;
        var parsed = parser.Parse(raw);
        var gmail = new RawMessage(sent.GmailId, threadKey ?? sent.ThreadId, ["SENT"], now.ToUnixTimeMilliseconds(), raw, null);
        try
        {
            await store.StoreAsync(organizationId, connection, internals, [new FetchedEmail(gmail, parsed)], ct);
        }
        catch (DbUpdateException ex)
        {
            // Sync saw the sent message in the same instant and stored it first: that copy is the one.
            logger.LogInformation(ex, "Sent reply {GmailId} was stored concurrently by sync", sent.GmailId);
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var source = await db.EmailSources.FirstOrDefaultAsync(s => s.MailboxConnectionId == connection.Id && s.GmailMessageId == sent.GmailId, ct);
        if (source is not null && source.GmailThreadId != sent.ThreadId)
        {
            // The timeline groups by the thread's first key; the source keeps the sender's own Gmail thread id.
            source.GmailThreadId = sent.ThreadId;
            await db.SaveChangesAsync(ct);
        }

        return source?.EmailMessageId
            ?? await db.EmailMessages.Where(m => m.RfcMessageId == parsed.MessageId).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
    }

    internal static (SendFailure Failure, string Message) Classify(Exception ex, string account) => ex switch
    {
        _ when GmailErrors.IsUnauthorized(ex) => (SendFailure.AccessRevoked,
            $"Google refused to send as {account}: EmailSync's access was revoked or no longer includes sending. Reconnect Gmail with “Reply from EmailSync” on your Profile page. Your draft is kept."),
        GoogleApiException g when g.HttpStatusCode == HttpStatusCode.TooManyRequests
            || (g.HttpStatusCode == HttpStatusCode.Forbidden && g.Error?.Errors?.Any(e => e.Reason is "rateLimitExceeded" or "userRateLimitExceeded" or "dailyLimitExceeded" or "quotaExceeded") == true) =>
            (SendFailure.Quota, "Gmail's sending limit for your account was reached, so nothing was sent. Try again in a few minutes. Your draft is kept."),
        GoogleApiException g => (SendFailure.Gmail, $"Gmail did not accept the reply ({(int)g.HttpStatusCode}: {g.Error?.Message ?? "error"}). Your draft is kept."),
        OperationCanceledException => (SendFailure.Network,
            "Gmail did not answer in time. Check your Gmail Sent folder before sending again — it may have gone out. Your draft is kept."),
        HttpRequestException or IOException => (SendFailure.Network, "Could not reach Gmail, so nothing was sent. Check the connection and try again. Your draft is kept."),
        _ when ex.InnerException is { } inner => Classify(inner, account),
        _ => (SendFailure.Gmail, "Sending failed. Your draft is kept; try again, and report the trace id if it keeps failing."),
    };

    private static ReplyAvailability Availability(MailboxConnection? connection) => connection switch
    {
        null or { EncryptedRefreshToken: null } => new ReplyAvailability(ReplyReadiness.NotConnected, connection?.GoogleAccount),
        { Status: MailboxStatus.Unauthorized } => new ReplyAvailability(ReplyReadiness.Unauthorized, connection.GoogleAccount),
        _ when !GmailScopes.Has(connection.GrantedScopes, GmailScopes.Send) => new ReplyAvailability(ReplyReadiness.NoSendAccess, connection.GoogleAccount),
        _ => new ReplyAvailability(ReplyReadiness.Ready, connection.GoogleAccount),
    };

    private async Task<MailboxConnection?> ConnectionAsync(CancellationToken ct)
    {
        if (tenant.UserId is not { } userId)
        {
            return null;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.MailboxConnections.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == userId, ct);
    }

    private async Task<List<string>> OwnAddressesAsync(EmailSyncDbContext db, MailboxConnection? connection, CancellationToken ct)
    {
        var own = new List<string>();
        if (connection is not null)
        {
            own.Add(connection.GoogleAccount);
        }

        if (tenant.UserId is { } userId && await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct) is { } email)
        {
            own.Add(email);
        }

        return own;
    }

    /// <summary>The original with its reference chain, rebuilt by following In-Reply-To through the stored thread.</summary>
    private static async Task<ReplyOriginal?> LoadOriginalAsync(EmailSyncDbContext db, long messageId, CancellationToken ct)
    {
        var m = await db.EmailMessages.AsNoTracking().Where(x => x.Id == messageId)
            .Select(x => new { x.Id, x.RfcMessageId, x.InReplyTo, x.Subject, x.SentAt, x.FromAddress, x.FromName, x.BodyStored, x.BodyText, x.QuotedText, x.Snippet })
            .FirstOrDefaultAsync(ct);
        if (m is null)
        {
            return null;
        }

        var people = await db.EmailParticipants.AsNoTracking().Where(p => p.EmailMessageId == messageId).OrderBy(p => p.Id)
            .Select(p => new { p.Kind, p.Address, p.DisplayName }).ToListAsync(ct);
        List<MailboxAddress> Of(ParticipantKind kind) => [.. people.Where(p => p.Kind == kind).Select(p => new MailboxAddress(p.DisplayName, p.Address))];

        var chain = new List<string>();
        var cursor = m.InReplyTo;
        while (cursor is { Length: > 0 } && chain.Count < 50 && !chain.Contains(cursor, StringComparer.Ordinal))
        {
            chain.Insert(0, cursor);
            var parent = cursor;
            cursor = await db.EmailMessages.AsNoTracking().Where(x => x.RfcMessageId == parent).Select(x => x.InReplyTo).FirstOrDefaultAsync(ct);
        }

        var text = m.BodyStored
            ? string.Join("\n\n", new[] { m.BodyText, m.QuotedText }.Where(t => !string.IsNullOrWhiteSpace(t)))
            : m.Snippet;
        return new ReplyOriginal(m.Id, m.RfcMessageId, chain, m.Subject, m.SentAt, m.FromAddress, m.FromName,
            Of(ParticipantKind.ReplyTo), Of(ParticipantKind.To), Of(ParticipantKind.Cc), text);
    }

    /// <summary>The thread id in the sender's own mailbox (Gmail thread ids are per mailbox), or null to let Gmail thread by headers.</summary>
    private static async Task<string?> ThreadInSenderMailboxAsync(EmailSyncDbContext db, long connectionId, long messageId, string? threadKey, CancellationToken ct)
    {
        var own = await db.EmailSources.AsNoTracking()
            .Where(s => s.MailboxConnectionId == connectionId && s.EmailMessageId == messageId)
            .Select(s => s.GmailThreadId).FirstOrDefaultAsync(ct);
        if (own is not null || threadKey is null)
        {
            return own;
        }

        return await db.EmailSources.AsNoTracking()
            .Where(s => s.MailboxConnectionId == connectionId)
            .Join(db.EmailMessages.Where(x => x.ThreadKey == threadKey), s => s.EmailMessageId, x => x.Id, (s, x) => s.GmailThreadId)
            .FirstOrDefaultAsync(ct);
    }

    private static async Task<InternalAddresses> InternalsAsync(EmailSyncDbContext db, Guid organizationId, MailboxConnection connection, CancellationToken ct)
    {
        var domains = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.InternalDomains).FirstAsync(ct);
        var aliases = await db.Aliases.Where(a => a.OrganizationId == organizationId).Select(a => a.Address).ToListAsync(ct);
        var members = await db.Memberships.Where(x => x.OrganizationId == organizationId).Select(x => x.User!.Email!).ToListAsync(ct);
        return new InternalAddresses(domains, aliases.Concat(members).Append(connection.GoogleAccount));
    }
}
