using EmailSync.Core.Association;
using EmailSync.Core.Data;
using EmailSync.Core.Gmail;
using EmailSync.Core.Mime;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Sync;

/// <summary>Sync → association: new mail is linked by the association engine.</summary>
internal sealed class AssociationLinker(AssociationService association) : IEmailLinker
{
    public Task LinkAsync(Guid organizationId, IReadOnlyCollection<long> messageIds, CancellationToken ct) =>
        association.LinkAsync(organizationId, messageIds, ct);
}

/// <summary>
/// Association → sync: mail that became linked to a customer while only its metadata was kept gets its
/// body fetched from Gmail (through any mailbox of the organization that holds it and is still connected).
/// </summary>
internal sealed class GmailBodyFetcher(ISystemDbContextFactory factory, GmailClientFactory clients, IEmailParser parser) : IMessageBodyFetcher
{
    public async Task<int> FetchBodiesAsync(Guid organizationId, IReadOnlyCollection<long> messageIds, CancellationToken ct)
    {
        await using var db = factory.CreateForOrganization(organizationId);
        var sources = await db.EmailSources
            .Where(s => messageIds.Contains(s.EmailMessageId))
            .Join(db.MailboxConnections.Where(c => c.EncryptedRefreshToken != null), s => s.MailboxConnectionId, c => c.Id, (s, c) => new { s.EmailMessageId, s.GmailMessageId, Connection = c })
            .ToListAsync(ct);

        var stored = 0;
        foreach (var mailbox in sources.GroupBy(s => s.Connection.Id))
        {
            var wanted = mailbox.GroupBy(s => s.EmailMessageId).Select(g => g.First()).ToList();
            using var gmail = clients.Create(mailbox.First().Connection);
            var raws = await gmail.GetRawAsync(wanted.Select(w => w.GmailMessageId).ToList(), ct);
            var byGmailId = raws.Where(r => r.Raw is not null).ToDictionary(r => r.Id, r => r.Raw!);
            foreach (var source in wanted)
            {
                if (!byGmailId.TryGetValue(source.GmailMessageId, out var raw))
                {
                    continue;
                }

                var parsed = parser.Parse(raw);
                stored += await db.EmailMessages
                    .Where(m => m.Id == source.EmailMessageId && !m.BodyStored)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(m => m.BodyText, parsed.NewText)
                        .SetProperty(m => m.QuotedText, parsed.QuotedText)
                        .SetProperty(m => m.BodyHtml, parsed.HtmlBody)
                        .SetProperty(m => m.BodyStored, true), ct);
            }
        }

        return stored;
    }
}
