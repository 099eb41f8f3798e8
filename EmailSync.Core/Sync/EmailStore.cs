using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;
using EmailSync.Core.Mime;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Sync;

/// <summary>A fetched Gmail message and what the parser made of it.</summary>
public sealed record FetchedEmail(RawMessage Gmail, ParsedEmail Parsed)
{
    /// <summary>Gmail's internalDate (when Google accepted it) is more reliable than the Date header.</summary>
    public DateTimeOffset SentAt => Gmail.InternalDate is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : Parsed.Date ?? DateTimeOffset.UnixEpoch;
}

public sealed record StoreResult(int Imported, int Duplicates, IReadOnlyList<long> NewMessageIds);

/// <summary>
/// Writes fetched mail into one organization, idempotently: one row per RFC Message-ID (a message seen
/// in two mailboxes gets a second source, not a second row), one source per mailbox + Gmail id. Then
/// links the new mail and keeps bodies only where it linked to a customer.
/// </summary>
public sealed class EmailStore(ISystemDbContextFactory factory, IEmailLinker linker, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SyncOptions> options)
{
    public async Task<StoreResult> StoreAsync(Guid organizationId, MailboxConnection mailbox, InternalAddresses internals, IReadOnlyList<FetchedEmail> emails, CancellationToken ct)
    {
        if (emails.Count == 0)
        {
            return new StoreResult(0, 0, []);
        }

        await using var db = factory.CreateForOrganization(organizationId);
        var gmailIds = emails.Select(e => e.Gmail.Id).ToList();
        var knownSources = await db.EmailSources
            .Where(s => s.MailboxConnectionId == mailbox.Id && gmailIds.Contains(s.GmailMessageId))
            .Select(s => s.GmailMessageId)
            .ToHashSetAsync(ct);
        var rfcIds = emails.Select(e => e.Parsed.MessageId).Distinct().ToList();
        var existing = await db.EmailMessages
            .Where(m => rfcIds.Contains(m.RfcMessageId))
            .Select(m => new { m.Id, m.RfcMessageId })
            .ToDictionaryAsync(m => m.RfcMessageId, m => m.Id, ct);

        var now = clock.GetUtcNow();
        var added = new Dictionary<string, EmailMessage>(StringComparer.Ordinal);
        var extraSources = new List<EmailSource>();
        var duplicates = 0;
        foreach (var email in emails)
        {
            if (!knownSources.Add(email.Gmail.Id))
            {
                duplicates++;
                continue;
            }

            var source = new EmailSource
            {
                OrganizationId = organizationId,
                MailboxConnectionId = mailbox.Id,
                GmailMessageId = email.Gmail.Id,
                GmailThreadId = email.Gmail.ThreadId,
                Labels = email.Gmail.Labels.ToList(),
            };

            if (existing.TryGetValue(email.Parsed.MessageId, out var messageId))
            {
                source.EmailMessageId = messageId;
                extraSources.Add(source);
                duplicates++;
            }
            else if (added.TryGetValue(email.Parsed.MessageId, out var sibling))
            {
                sibling.Sources.Add(source);
                duplicates++;
            }
            else
            {
                var message = ToEntity(organizationId, email, internals, now);
                message.Sources.Add(source);
                added[email.Parsed.MessageId] = message;
            }
        }

        // Straight inserts through prepared commands (EF's per-entity insert was the measured bound).
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await RowWriter.InsertAsync(db, added.Values, (m, id) => m.Id = id, ct);
            foreach (var message in added.Values)
            {
                foreach (var child in message.Sources)
                {
                    child.EmailMessageId = message.Id;
                }

                foreach (var child in message.Participants)
                {
                    child.EmailMessageId = message.Id;
                }

                foreach (var child in message.Attachments)
                {
                    child.EmailMessageId = message.Id;
                }
            }

            await RowWriter.InsertAsync(db, added.Values.SelectMany(m => m.Sources).Concat(extraSources).ToList(), null, ct);
            await RowWriter.InsertAsync(db, added.Values.SelectMany(m => m.Participants).ToList(), null, ct);
            await RowWriter.InsertAsync(db, added.Values.SelectMany(m => m.Attachments).ToList(), null, ct);
            await transaction.CommitAsync(ct);
        }

        var newIds = added.Values.Select(m => m.Id).ToList();
        if (newIds.Count > 0)
        {
            await linker.LinkAsync(organizationId, newIds, ct);
            await DropUnlinkedBodiesAsync(db, newIds, ct);
        }

        return new StoreResult(newIds.Count, duplicates, newIds);
    }

    /// <summary>Metadata for every in-scope message; bodies only where the thread links to a customer (DESIGN §3).</summary>
    private static async Task DropUnlinkedBodiesAsync(EmailSyncDbContext db, List<long> ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(500))
        {
            await db.EmailMessages
                .Where(m => chunk.Contains(m.Id) && !db.EmailLinks.Any(l => l.EmailMessageId == m.Id && !l.IsSuppressed))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.BodyText, (string?)null)
                    .SetProperty(m => m.QuotedText, (string?)null)
                    .SetProperty(m => m.BodyHtml, (string?)null)
                    .SetProperty(m => m.BodyStored, false), ct);
        }
    }

    private EmailMessage ToEntity(Guid organizationId, FetchedEmail email, InternalAddresses internals, DateTimeOffset now)
    {
        var parsed = email.Parsed;
        var from = parsed.From.FirstOrDefault();
        var message = new EmailMessage
        {
            OrganizationId = organizationId,
            RfcMessageId = Truncate(parsed.MessageId, 450)!,
            InReplyTo = Truncate(parsed.InReplyTo, 450),
            ThreadKey = email.Gmail.ThreadId,
            Subject = Truncate(parsed.Subject, 1000) ?? "",
            SentAt = email.SentAt,
            FromAddress = Truncate(from?.Address, 320) ?? "",
            FromName = Truncate(from?.DisplayName, 320),
            Snippet = Truncate(parsed.Snippet, 500) ?? "",
            BodyText = parsed.NewText,
            QuotedText = parsed.QuotedText,
            BodyHtml = parsed.HtmlBody,
            BodyStored = true,
            HasAttachments = parsed.Attachments.Any(a => !a.IsInline),
            IsBulk = parsed.IsBulk,
            IsAutomated = parsed.IsAutomated,
            ParseWarnings = parsed.Warnings.ToList(),
            ImportedAt = now,
            Direction = internals.DirectionOf(parsed),
        };

        AddParticipants(message, organizationId, parsed.From, ParticipantKind.From);
        AddParticipants(message, organizationId, parsed.To, ParticipantKind.To);
        AddParticipants(message, organizationId, parsed.Cc, ParticipantKind.Cc);
        AddParticipants(message, organizationId, parsed.Bcc, ParticipantKind.Bcc);
        AddParticipants(message, organizationId, parsed.ReplyTo, ParticipantKind.ReplyTo);
        foreach (var attachment in parsed.Attachments)
        {
            message.Attachments.Add(new EmailAttachment
            {
                OrganizationId = organizationId,
                FileName = Truncate(attachment.FileName, 500) ?? "attachment",
                ContentType = Truncate(attachment.ContentType, 200) ?? "application/octet-stream",
                Size = attachment.Size,
                ContentId = Truncate(attachment.ContentId, 500),
                Content = options.Value.StoreAttachmentContent ? attachment.Content : null,
            });
        }

        return message;
    }

    private static void AddParticipants(EmailMessage message, Guid organizationId, IReadOnlyList<EmailAddress> addresses, ParticipantKind kind)
    {
        foreach (var address in addresses)
        {
            var at = address.Address.LastIndexOf('@');
            message.Participants.Add(new EmailParticipant
            {
                OrganizationId = organizationId,
                Kind = kind,
                Address = Truncate(address.Address, 320)!,
                DisplayName = Truncate(address.DisplayName, 320),
                Domain = at >= 0 ? Truncate(address.Address[(at + 1)..], 253)! : "",
            });
        }
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

/// <summary>The organization's own people and addresses: they decide whether mail went out or came in.</summary>
public sealed class InternalAddresses(IEnumerable<string> domains, IEnumerable<string> addresses)
{
    private readonly HashSet<string> domains = new(domains.Select(d => d.ToLowerInvariant()), StringComparer.Ordinal);
    private readonly HashSet<string> addresses = new(addresses.Select(a => a.ToLowerInvariant()), StringComparer.Ordinal);

    public bool IsInternal(string address)
    {
        if (addresses.Contains(address))
        {
            return true;
        }

        var at = address.LastIndexOf('@');
        return at >= 0 && domains.Contains(address[(at + 1)..]);
    }

    public EmailDirection DirectionOf(ParsedEmail email)
    {
        var sender = email.From.FirstOrDefault()?.Address;
        var everyone = email.From.Concat(email.To).Concat(email.Cc).Concat(email.Bcc).ToList();
        if (everyone.Count > 0 && everyone.All(p => IsInternal(p.Address)))
        {
            return EmailDirection.Internal;
        }

        return sender is not null && IsInternal(sender) ? EmailDirection.Outbound : EmailDirection.Inbound;
    }
}
