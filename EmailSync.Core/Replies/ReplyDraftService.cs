using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Core.Replies;

/// <summary>The current user's unsent replies, kept server-side so they survive a reload or a failed send.</summary>
public sealed class ReplyDraftService(IEmailSyncDbContextFactory factory, ITenantContext tenant)
{
    public async Task<ReplyDraft?> GetAsync(long messageId, CancellationToken ct = default)
    {
        var userId = CurrentUser();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ReplyDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.UserId == userId && d.EmailMessageId == messageId, ct);
    }

    /// <summary>Which of these emails the user has a draft reply to (the timeline marks them).</summary>
    public async Task<HashSet<long>> WithDraftsAsync(IReadOnlyCollection<long> messageIds, CancellationToken ct = default)
    {
        if (messageIds.Count == 0 || tenant.UserId is not { } userId)
        {
            return [];
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ReplyDrafts.AsNoTracking()
            .Where(d => d.UserId == userId && messageIds.Contains(d.EmailMessageId))
            .Select(d => d.EmailMessageId)
            .ToHashSetAsync(ct);
    }

    /// <summary>Creates or updates the draft of <paramref name="form"/>'s email (one per user and email).</summary>
    public async Task SaveAsync(ReplyForm form, string? error = null, string? traceId = null, CancellationToken ct = default)
    {
        var userId = CurrentUser();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                var draft = await db.ReplyDrafts.FirstOrDefaultAsync(d => d.UserId == userId && d.EmailMessageId == form.MessageId, ct);
                if (draft is null)
                {
                    if (!await db.EmailMessages.AnyAsync(m => m.Id == form.MessageId, ct))
                    {
                        throw new InvalidOperationException("That email does not exist in this organization.");
                    }

                    draft = new ReplyDraft { UserId = userId, EmailMessageId = form.MessageId };
                    db.ReplyDrafts.Add(draft);
                }

                draft.ReplyAll = form.ReplyAll;
                draft.To = Truncate(string.Join(", ", form.To), 4000);
                draft.Cc = Truncate(string.Join(", ", form.Cc), 4000);
                draft.Subject = Truncate(form.Subject, 1000);
                draft.Body = form.Body;
                draft.LastError = error is null ? null : Truncate(error, 2000);
                draft.LastErrorTraceId = traceId;
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Two saves of the same new draft at once: the second one updates.
            }
        }
    }

    public async Task DeleteAsync(long messageId, CancellationToken ct = default)
    {
        var userId = CurrentUser();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.ReplyDrafts.Where(d => d.UserId == userId && d.EmailMessageId == messageId).ExecuteDeleteAsync(ct);
    }

    /// <summary>Splits a stored recipient list back into addresses (commas inside quoted names are kept).</summary>
    public static List<string> SplitRecipients(string value)
    {
        var list = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var ch in value)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }

            if (ch == ',' && !quoted)
            {
                Flush();
                continue;
            }

            current.Append(ch);
        }

        Flush();
        return list;

        void Flush()
        {
            var item = current.ToString().Trim();
            if (item.Length > 0)
            {
                list.Add(item);
            }

            current.Clear();
        }
    }

    private string CurrentUser() => tenant.UserId ?? throw new InvalidOperationException("No user is signed in.");

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
