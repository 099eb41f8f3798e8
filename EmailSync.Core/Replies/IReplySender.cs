using EmailSync.Core.Domain;
using EmailSync.Core.Gmail;

namespace EmailSync.Core.Replies;

/// <summary>
/// The one way EmailSync sends mail: <c>users.messages.send</c> through the user's own Gmail. Used in exactly one
/// place, <see cref="ReplyService.SendAsync"/>, which only the composer's Send button calls (a test asserts both).
/// </summary>
public interface IReplySender
{
    Task<SentMessage> SendAsync(MailboxConnection connection, byte[] raw, string? threadId, CancellationToken ct);
}

internal sealed class GmailReplySender(GmailClientFactory clients, ILogger<GmailReplySender> logger) : IReplySender
{
    public async Task<SentMessage> SendAsync(MailboxConnection connection, byte[] raw, string? threadId, CancellationToken ct)
    {
        using var gmail = clients.Create(connection);
        var sent = await gmail.SendAsync(raw, threadId, ct);

        // Read the message back as Gmail stored it (Gmail may rewrite headers such as Message-ID), so the copy on
        // the timeline is the one sync would import. A failure here is not a failed send.
        byte[]? stored = null;
        try
        {
            var fetched = (await gmail.GetRawAsync([sent.Id], ct, rounds: 2)).Single();
            stored = fetched.Raw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogInformation(ex, "Sent message {GmailId} could not be read back; storing the composed copy", sent.Id);
        }

        return new SentMessage(sent.Id, sent.ThreadId, stored);
    }
}
