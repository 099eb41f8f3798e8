using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;

namespace EmailSync.Core.Mime;

/// <summary>
/// Decodes body bytes whose declared charset may be missing, wrong or invented. Order: the declared charset
/// (when .NET knows it and, for UTF-8, the bytes are valid) → UTF-8 when the bytes are valid UTF-8 →
/// windows-1252, which maps every byte, so decoding never fails.
/// </summary>
public static class CharsetRepair
{
    private const int MaxCachedCharsets = 256;
    private static readonly ConcurrentDictionary<string, Encoding?> Cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>windows-1252: the fallback that real mail mislabelled as latin1 or unlabelled almost always is.</summary>
    public static Encoding Windows1252 { get; } = RegisterCodePagesAndGet(1252);

    /// <summary>The encoding for a MIME charset name, or null when .NET does not know it.</summary>
    public static Encoding? TryGetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var name = charset.Trim().Trim('"', '\'');
        if (Cache.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var encoding = Resolve(name);
        if (Cache.Count < MaxCachedCharsets)
        {
            Cache.TryAdd(name, encoding);
        }

        return encoding;
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/>. <paramref name="warning"/> says what was repaired, or is null when the
    /// declared charset (or plain ASCII) decoded the bytes as they are.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? declaredCharset, out string? warning)
    {
        warning = null;
        if (bytes.IsEmpty)
        {
            return "";
        }

        // A byte-order mark wins over any label.
        if (bytes is [0xEF, 0xBB, 0xBF, ..])
        {
            return DecodeUtf8OrRepair(bytes[3..], "utf-8 (BOM)", out warning);
        }

        if (bytes is [0xFF, 0xFE, ..])
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        if (bytes is [0xFE, 0xFF, ..])
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }

        var declared = declaredCharset?.Trim();
        var isAscii = Ascii.IsValid(bytes);
        if (string.IsNullOrEmpty(declared) || IsAsciiLabel(declared))
        {
            if (isAscii)
            {
                return Encoding.ASCII.GetString(bytes);
            }

            if (Utf8.IsValid(bytes))
            {
                return Encoding.UTF8.GetString(bytes);
            }

            warning = $"8-bit text labelled '{declared ?? "none"}' decoded as windows-1252";
            return Windows1252.GetString(bytes);
        }

        var encoding = TryGetEncoding(declared);
        if (encoding is null)
        {
            if (isAscii)
            {
                return Encoding.ASCII.GetString(bytes);
            }

            if (Utf8.IsValid(bytes))
            {
                warning = $"charset '{Clip(declared)}' unknown, decoded as utf-8";
                return Encoding.UTF8.GetString(bytes);
            }

            warning = $"charset '{Clip(declared)}' replaced with windows-1252";
            return Windows1252.GetString(bytes);
        }

        if (encoding.CodePage == Encoding.UTF8.CodePage)
        {
            return DecodeUtf8OrRepair(bytes, declared, out warning);
        }

        return encoding.GetString(bytes);
    }

    /// <summary>True when the span holds bytes that are neither ASCII nor valid UTF-8 (so a fallback applied).</summary>
    public static bool NeedsFallback(ReadOnlySpan<byte> bytes) => !Ascii.IsValid(bytes) && !Utf8.IsValid(bytes);

    private static Encoding RegisterCodePagesAndGet(int codePage)
    {
        // Runs before any other static member is used: legacy code pages need the provider on .NET.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(codePage);
    }

    private static string DecodeUtf8OrRepair(ReadOnlySpan<byte> bytes, string label, out string? warning)
    {
        warning = null;
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        warning = $"invalid bytes for charset '{Clip(label)}', decoded as windows-1252";
        return Windows1252.GetString(bytes);
    }

    private static bool IsAsciiLabel(string name) =>
        name.Equals("us-ascii", StringComparison.OrdinalIgnoreCase)
        || name.Equals("ascii", StringComparison.OrdinalIgnoreCase)
        || name.Equals("ansi_x3.4-1968", StringComparison.OrdinalIgnoreCase);

    private static Encoding? Resolve(string name)
    {
        var normalised = name.ToLowerInvariant() switch
        {
            "utf8" or "unicode-1-1-utf-8" or "x-unicode20utf8" => "utf-8",
            "latin1" or "latin-1" or "l1" => "iso-8859-1",
            ['c', 'p', '1', '2', '5', var d] => $"windows-125{d}",
            ['w', 'i', 'n', '-', '1', '2', '5', var d] => $"windows-125{d}",
            ['x', '-', 'c', 'p', '1', '2', '5', var d] => $"windows-125{d}",
            "ks_c_5601" or "ks_c_5601-1987" or "x-windows-949" => "ks_c_5601-1987",
            var other => other,
        };

        if (normalised.Length > 64)
        {
            return null;
        }

        try
        {
            var encoding = Encoding.GetEncoding(normalised);
            // UTF-7 is obsolete and a known XSS vector: treat as unknown.
            return encoding.CodePage == 65000 ? null : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
