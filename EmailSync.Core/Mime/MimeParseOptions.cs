using System.ComponentModel.DataAnnotations;

namespace EmailSync.Core.Mime;

/// <summary>
/// Limits and switches for <see cref="IEmailParser"/>. The defaults suit Gmail's 25 MB messages: a hostile message
/// costs bounded time and memory and is returned with warnings rather than rejected.
/// </summary>
public sealed class MimeParseOptions
{
    public const string SectionName = "Mime";

    /// <summary>Keep attachment bytes in <see cref="ParsedAttachment.Content"/> (up to <see cref="MaxAttachmentBytesKept"/>).</summary>
    public bool IncludeAttachmentContent { get; set; }

    /// <summary>The top-level header block is cut to this many bytes (whole lines); the rest is dropped with a warning.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxHeaderBytes { get; set; } = 256 * 1024;

    /// <summary>Deeper MIME nesting is not descended into (the part is treated as an opaque leaf).</summary>
    [Range(2, 256)]
    public int MaxNestingDepth { get; set; } = 32;

    /// <summary>The text and HTML bodies are each cut to this many characters.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyChars { get; set; } = 1024 * 1024;

    /// <summary>Attachments larger than this keep metadata only, even with <see cref="IncludeAttachmentContent"/>.</summary>
    [Range(0, long.MaxValue)]
    public long MaxAttachmentBytesKept { get; set; } = 10 * 1024 * 1024;

    /// <summary>At most this many attachments are listed; the rest are counted in a warning.</summary>
    [Range(1, 100_000)]
    public int MaxAttachments { get; set; } = 500;
}
