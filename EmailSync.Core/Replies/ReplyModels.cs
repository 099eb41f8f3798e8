namespace EmailSync.Core.Replies;

/// <summary>What the composer edits. Recipients are addresses ("Name &lt;a@b.c&gt;" or "a@b.c").</summary>
public sealed class ReplyForm
{
    public long MessageId { get; set; }
    public bool ReplyAll { get; set; }
    public List<string> To { get; set; } = [];
    public List<string> Cc { get; set; } = [];
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>The quoted original, appended under the body (read-only in the composer).</summary>
    public string Quote { get; set; } = "";

    /// <summary>The sender: the user's connected Gmail address.</summary>
    public string From { get; set; } = "";

    /// <summary>Restored from a saved draft.</summary>
    public bool FromDraft { get; set; }
    public string? LastError { get; set; }
    public string? LastErrorTraceId { get; set; }
}

public enum ReplyReadiness
{
    Ready,
    NotConnected,
    NoSendAccess,
    Unauthorized,
}

/// <summary>Whether the current user can reply from EmailSync, and what to do if not.</summary>
public sealed record ReplyAvailability(ReplyReadiness Readiness, string? Account)
{
    public bool CanSend => Readiness == ReplyReadiness.Ready;

    public string Explanation => Readiness switch
    {
        ReplyReadiness.NotConnected => "Connect your Gmail on your Profile page and turn on “Reply from EmailSync” to reply from here.",
        ReplyReadiness.NoSendAccess => "Turn on “Reply from EmailSync” on your Profile page: Google will ask you to allow EmailSync to send email as you.",
        ReplyReadiness.Unauthorized => $"Google no longer accepts EmailSync's access to {Account}. Reconnect Gmail on your Profile page to reply.",
        _ => $"Replies are sent from {Account}.",
    };
}

public enum SendFailure
{
    None,
    Validation,
    NotAllowed,
    Quota,
    AccessRevoked,
    Network,
    Gmail,
}

/// <summary>The result of pressing Send: the stored message, or what went wrong (the draft is kept).</summary>
public sealed record SendOutcome(SendFailure Failure, string Message, long? StoredMessageId = null, string? TraceId = null, IReadOnlyList<string>? Errors = null)
{
    public bool Succeeded => Failure == SendFailure.None;
}

/// <summary>What Gmail returned for a sent message, and the message as Gmail stored it (when it could be read back).</summary>
public sealed record SentMessage(string GmailId, string ThreadId, byte[]? StoredRaw);
