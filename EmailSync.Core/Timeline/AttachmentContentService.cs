using EmailSync.Core.Data;
using EmailSync.Core.Gmail;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using System.Diagnostics;

namespace EmailSync.Core.Timeline;

/// <summary>An attachment's bytes, or why they cannot be had.</summary>
public sealed record AttachmentDownload(string FileName, string ContentType, byte[]? Content, AttachmentFailure? Failure = null, string? Message = null, string? TraceId = null)
{
    public bool Succeeded => Content is not null;
}

public enum AttachmentFailure
{
    NotFound,
    ConnectionGone,
    GmailFailed,
}

/// <summary>
/// Serves attachments of the current organization's emails: the stored bytes when attachment content is kept,
/// otherwise fetched from Gmail on demand through a connection that holds the message (the current user's
/// first, then the mailbox it was imported from); refused with a clear message when none is connected.
/// </summary>
public sealed class AttachmentContentService(
    IEmailSyncDbContextFactory factory,
    ITenantContext tenant,
    GmailClientFactory clients,
    ILogger<AttachmentContentService> logger)
{
    public async Task<AttachmentDownload> GetAsync(long attachmentId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var attachment = await db.EmailAttachments.AsNoTracking()
            .Where(a => a.Id == attachmentId)
            .Select(a => new { a.Id, a.EmailMessageId, a.FileName, a.ContentType, a.Size, a.ContentId, a.GmailAttachmentId, a.Content })
            .FirstOrDefaultAsync(ct);
        if (attachment is null)
        {
            return new AttachmentDownload("", "", null, AttachmentFailure.NotFound, "This attachment does not exist.");
        }

        if (attachment.Content is not null)
        {
            return new AttachmentDownload(attachment.FileName, attachment.ContentType, attachment.Content);
        }

        // The mailboxes that hold the message; tenant-scoped through the source rows.
        var sources = await db.EmailSources.AsNoTracking()
            .Where(s => s.EmailMessageId == attachment.EmailMessageId)
            .Join(db.MailboxConnections.AsNoTracking(), s => s.MailboxConnectionId, c => c.Id, (s, c) => new { s.GmailMessageId, Connection = c })
            .ToListAsync(ct);
        var usable = sources
            .Where(s => s.Connection.EncryptedRefreshToken is not null && s.Connection.Status != Domain.MailboxStatus.Unauthorized)
            .OrderByDescending(s => s.Connection.UserId == tenant.UserId)
            .FirstOrDefault();
        if (usable is null)
        {
            var accounts = string.Join(", ", sources.Select(s => s.Connection.GoogleAccount).Distinct(StringComparer.OrdinalIgnoreCase));
            var from = accounts.Length > 0 ? $"the Gmail account it came from ({accounts}) is no longer connected" : "no connected Gmail account holds this email";
            return new AttachmentDownload(attachment.FileName, attachment.ContentType, null, AttachmentFailure.ConnectionGone,
                $"EmailSync does not keep attachment files, and {from}, so “{attachment.FileName}” cannot be fetched. Ask its owner to reconnect Gmail on their Profile page.");
        }

        try
        {
            using var gmail = clients.Create(usable.Connection);
            if (attachment.GmailAttachmentId is { Length: > 0 } gmailAttachmentId)
            {
                try
                {
                    var part = await gmail.GetAttachmentAsync(usable.GmailMessageId, gmailAttachmentId, ct);
                    if (part.Data is { } data)
                    {
                        return new AttachmentDownload(attachment.FileName, attachment.ContentType, Base64Url.Decode(data));
                    }
                }
                catch (Google.GoogleApiException ex) when (ex.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    // Gmail's attachment ids change between fetches: fall back to the raw message.
                }
            }

            var raw = (await gmail.GetRawAsync([usable.GmailMessageId], ct)).Single();
            if (raw.Raw is null)
            {
                throw new InvalidOperationException($"Gmail did not return the message: {raw.Error}");
            }

            var content = Extract(raw.Raw, attachment.FileName, attachment.ContentId, attachment.Size);
            return content is null
                ? new AttachmentDownload(attachment.FileName, attachment.ContentType, null, AttachmentFailure.NotFound, $"“{attachment.FileName}” is no longer in the message in Gmail.")
                : new AttachmentDownload(attachment.FileName, attachment.ContentType, content);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var trace = Activity.Current?.TraceId.ToString() ?? ActivityTraceId.CreateRandom().ToString();
            logger.LogWarning(ex, "Fetching attachment {AttachmentId} from Gmail failed; trace {TraceId}", attachmentId, trace);
            var message = GmailErrors.IsUnauthorized(ex)
                ? $"Google no longer accepts EmailSync's access to {usable.Connection.GoogleAccount}, so the attachment cannot be fetched. Its owner can reconnect Gmail on their Profile page."
                : "Gmail could not provide the attachment right now. Try again in a minute.";
            return new AttachmentDownload(attachment.FileName, attachment.ContentType, null, AttachmentFailure.GmailFailed, message, trace);
        }
    }

    /// <summary>Finds the part in the raw message: by Content-ID for inline parts, else by file name (and size when several match).</summary>
    internal static byte[]? Extract(byte[] raw, string fileName, string? contentId, long size)
    {
        using var stream = new MemoryStream(raw, writable: false);
        var message = MimeMessage.Load(stream);
        var parts = message.BodyParts.OfType<MimePart>().ToList();
        MimePart? match = null;
        if (contentId is { Length: > 0 })
        {
            var cid = contentId.Trim('<', '>', ' ');
            match = parts.FirstOrDefault(p => string.Equals(p.ContentId?.Trim('<', '>', ' '), cid, StringComparison.OrdinalIgnoreCase));
        }

        if (match is null)
        {
            var named = parts.Where(p => string.Equals(p.FileName, fileName, StringComparison.Ordinal)).ToList();
            match = named.Count <= 1 ? named.FirstOrDefault() : named.FirstOrDefault(p => Decode(p).LongLength == size) ?? named[0];
        }

        return match is null ? null : Decode(match);
    }

    private static byte[] Decode(MimePart part)
    {
        using var output = new MemoryStream();
        part.Content?.DecodeTo(output);
        return output.ToArray();
    }
}
