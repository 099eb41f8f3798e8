namespace EmailSync.Core.Mime;

/// <summary>Turns a raw RFC 822 message into a <see cref="ParsedEmail"/>. Implementations never throw on bad input.</summary>
public interface IEmailParser
{
    /// <summary>Parses raw message bytes. <paramref name="options"/> null means the configured defaults.</summary>
    ParsedEmail Parse(ReadOnlyMemory<byte> raw, MimeParseOptions? options = null);

    /// <summary>Reads the stream to its end and parses it. Only I/O errors of the stream itself propagate.</summary>
    ParsedEmail Parse(Stream raw, MimeParseOptions? options = null);
}
