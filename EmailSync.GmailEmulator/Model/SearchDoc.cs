using System.Globalization;
using System.Text;

namespace EmailSync.GmailEmulator.Model;

/// <summary>One address of a header, pre-split for search (<c>from:acme.com</c>, <c>from:bob</c>, <c>from:"Bob Smith"</c>).</summary>
public sealed record AddressInfo(string Address, string Local, string Domain, string Name)
{
    /// <summary>The display name, folded and tokenised (" bob smith ").</summary>
    public string NameTokens { get; } = TextFolding.Tokens(Name);

    public static AddressInfo Parse(string address, string? name = null)
    {
        var a = address.Trim().ToLowerInvariant();
        var at = a.LastIndexOf('@');
        return at < 0 ? new AddressInfo(a, a, "", name ?? "") : new AddressInfo(a, a[..at], a[(at + 1)..], name ?? "");
    }
}

/// <summary>What Gmail search sees of a message. Built from the generator's spec or by parsing the raw bytes.</summary>
public sealed class SearchDoc
{
    public required IReadOnlyList<AddressInfo> From { get; init; }
    public required IReadOnlyList<AddressInfo> To { get; init; }
    public required IReadOnlyList<AddressInfo> Cc { get; init; }
    public required IReadOnlyList<AddressInfo> Bcc { get; init; }
    public required IReadOnlyList<AddressInfo> DeliveredTo { get; init; }
    public required string Subject { get; init; }

    /// <summary>Plain-text body (first text part, or HTML stripped).</summary>
    public required string Body { get; init; }
    public required IReadOnlyList<string> Filenames { get; init; }
    public string? MessageIdHeader { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];

    private string? subjectTokens;
    private string? snippet;

    /// <summary>Gmail-like snippet of the body.</summary>
    public string Snippet => snippet ??= Mime.MimeView.Snippet(Body);
    private string? textTokens;

    public bool HasAttachment => Filenames.Count > 0;

    /// <summary>Subject folded and tokenised: " word word ".</summary>
    public string SubjectTokens => subjectTokens ??= TextFolding.Tokens(Subject);

    /// <summary>Everything a bare word can match: subject, body, names, addresses, file names.</summary>
    public string TextTokens => textTokens ??= BuildText();

    private string BuildText()
    {
        var sb = new StringBuilder(Subject.Length + Body.Length + 128);
        sb.Append(Subject).Append(' ').Append(Body);
        foreach (var list in new[] { From, To, Cc, Bcc })
        {
            foreach (var a in list)
            {
                sb.Append(' ').Append(a.Name).Append(' ').Append(a.Address);
            }
        }

        foreach (var f in Filenames)
        {
            sb.Append(' ').Append(f);
        }

        return TextFolding.Tokens(sb.ToString());
    }
}

/// <summary>Case and accent folding plus word splitting shared by the index and the query parser.</summary>
public static class TextFolding
{
    /// <summary>" tok1 tok2 ... " — lower case, accents removed, split on anything not a letter or digit.</summary>
    public static string Tokens(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return " ";
        }

        var sb = new StringBuilder(text.Length + 2);
        sb.Append(' ');
        var lastSpace = true;
        foreach (var ch in Fold(text))
        {
            if (char.IsLetterOrDigit(ch))
            {
                sb.Append(ch);
                lastSpace = false;
            }
            else if (!lastSpace)
            {
                sb.Append(' ');
                lastSpace = true;
            }
        }

        if (!lastSpace)
        {
            sb.Append(' ');
        }

        return sb.ToString();
    }

    /// <summary>Lower case with diacritics removed ("Cancelación" → "cancelacion").</summary>
    public static string Fold(string text)
    {
        var ascii = true;
        foreach (var ch in text)
        {
            if (ch > 0x7f)
            {
                ascii = false;
                break;
            }
        }

        if (ascii)
        {
            return text.ToLowerInvariant();
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }

        return sb.ToString();
    }
}
