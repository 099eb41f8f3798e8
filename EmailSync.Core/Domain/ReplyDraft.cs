namespace EmailSync.Core.Domain;

/// <summary>
/// A reply a user started on the timeline and has not sent: kept server-side per user and email, so it
/// survives a reload or a failed send. Deleted when the reply is sent or discarded.
/// </summary>
public sealed class ReplyDraft : ITenantOwned, IAuditable
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string UserId { get; set; }

    /// <summary>The email being replied to.</summary>
    public long EmailMessageId { get; set; }
    public bool ReplyAll { get; set; }

    /// <summary>Recipients as the user typed them, comma-separated.</summary>
    public string To { get; set; } = "";
    public string Cc { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>What the last send attempt failed with (kept with the draft), and its trace id.</summary>
    public string? LastError { get; set; }
    public string? LastErrorTraceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
