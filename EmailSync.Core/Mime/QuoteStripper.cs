using System.Text;
using System.Text.RegularExpressions;

namespace EmailSync.Core.Mime;

/// <summary>The result of <see cref="QuoteStripper.Strip"/>.</summary>
/// <param name="NewText">What the sender wrote in this message.</param>
/// <param name="QuotedText">Quoted history: reply headers, "&gt;" lines, forwarded and original messages.</param>
/// <param name="Signature">The signature block removed from the end of the new text ("" when none).</param>
public sealed record QuoteStripResult(string NewText, string QuotedText, string Signature);

/// <summary>
/// Splits a plain-text email into the new text and what it quotes, in English, Spanish and Portuguese (and the
/// common French and German reply headers): "On ... wrote:", "El ... escribió:", "Em ... escreveu:", Outlook's
/// "-----Original Message-----" and "From: / Sent:" blocks, forwarded-message markers, "&gt;" quoted lines and
/// Gmail's quote containers (marked by <see cref="HtmlToText"/>). Signatures are removed only on strong evidence:
/// the "-- " delimiter, a mobile "Sent from my ..." footer, or a common sign-off followed by a short block.
/// </summary>
public static partial class QuoteStripper
{
    private const int MaxHeaderJoinLines = 4;
    private const int MaxSignOffTailLines = 6;
    private const int MaxSignOffTailLineChars = 80;
    private const int MaxDelimitedSignatureLines = 20;

    public static QuoteStripResult Strip(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new QuoteStripResult("", "", "");
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var cut = FindQuoteStart(lines);
        var headEnd = cut < 0 ? lines.Length : cut;

        var head = new List<string>(headEnd);
        var quoted = new StringBuilder();
        for (var i = 0; i < headEnd; i++)
        {
            var line = lines[i];
            if (IsQuotedLine(line))
            {
                AppendLine(quoted, line);
            }
            else if (!IsMarker(line))
            {
                head.Add(line);
            }
        }

        for (var i = headEnd; i < lines.Length; i++)
        {
            if (!IsMarker(lines[i]))
            {
                AppendLine(quoted, lines[i]);
            }
        }

        var signatureStart = FindSignatureStart(lines, headEnd, head);
        var signature = "";
        if (signatureStart >= 0)
        {
            signature = string.Join('\n', head.Skip(signatureStart)).Trim();
            head.RemoveRange(signatureStart, head.Count - signatureStart);
        }

        return new QuoteStripResult(string.Join('\n', head).Trim(), quoted.ToString().Trim(), signature);
    }

    /// <summary>Index of the first line of quoted history, or -1.</summary>
    private static int FindQuoteStart(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var t = lines[i].AsSpan().Trim();
            if (t.IsEmpty)
            {
                continue;
            }

            if (t.Length == 1 && t[0] == HtmlToText.QuoteMarker)
            {
                return i;
            }

            if (t[0] == '>')
            {
                continue;
            }

            var line = t.ToString();
            if (SeparatorRegex().IsMatch(line))
            {
                return i;
            }

            if (UnderscoreRuleRegex().IsMatch(line) && NextNonEmpty(lines, i + 1, 2) is { } after
                && OutlookFromRegex().IsMatch(lines[after]) && HasOutlookHeaderBelow(lines, after))
            {
                return i;
            }

            if (OutlookFromRegex().IsMatch(line) && HasOutlookHeaderBelow(lines, i))
            {
                return i;
            }

            if (AttributionStartRegex().IsMatch(line) && IsAttribution(lines, i))
            {
                return i;
            }

            // "John Doe wrote:" (Thunderbird, older clients) directly above quoted lines.
            if (WroteEndRegex().IsMatch(line) && line.Length <= 300
                && NextNonEmpty(lines, i + 1, 3) is { } next && lines[next].TrimStart().StartsWith('>'))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsAttribution(string[] lines, int start)
    {
        var joined = new StringBuilder();
        for (var k = start; k < lines.Length && k < start + MaxHeaderJoinLines; k++)
        {
            var part = lines[k].Trim();
            if (part.Length == 0 && k > start)
            {
                break;
            }

            if (joined.Length > 0)
            {
                joined.Append(' ');
            }

            joined.Append(part);
            if (joined.Length > 500)
            {
                return false;
            }

            // Cheap pre-check: every attribution ends with a colon.
            if (joined[^1] == ':' && AttributionRegex().IsMatch(joined.ToString()))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A "From:" line followed within a few lines by "Sent:", "Date:", "Enviado:", ... (Outlook's reply header).</summary>
    private static bool HasOutlookHeaderBelow(string[] lines, int fromLine)
    {
        for (var k = fromLine + 1; k < lines.Length && k <= fromLine + 4; k++)
        {
            if (OutlookSentRegex().IsMatch(lines[k]))
            {
                return true;
            }
        }

        return false;
    }

    private static int FindSignatureStart(string[] lines, int headEnd, List<string> head)
    {
        // 1. Gmail's signature container, marked by HtmlToText.
        for (var i = 0; i < headEnd; i++)
        {
            if (lines[i].Length == 1 && lines[i][0] == HtmlToText.SignatureMarker)
            {
                // Count the head lines before the marker (markers and quoted lines were left out of head).
                var before = 0;
                for (var k = 0; k < i; k++)
                {
                    if (!IsQuotedLine(lines[k]) && !IsMarker(lines[k]))
                    {
                        before++;
                    }
                }

                return before < head.Count ? before : -1;
            }
        }

        // 2. The "-- " delimiter (the last one), when a short block follows.
        for (var i = head.Count - 1; i >= 0 && i >= head.Count - MaxDelimitedSignatureLines - 1; i--)
        {
            if (head[i] is "-- " or "--" or "-- \t" || head[i].TrimEnd() == "--")
            {
                return HasTextBefore(head, i) ? i : -1;
            }
        }

        var last = LastNonEmpty(head, head.Count - 1);
        if (last < 0)
        {
            return -1;
        }

        // 3. A mobile footer as the last line.
        if (MobileFooterRegex().IsMatch(head[last].Trim()) && HasTextBefore(head, last))
        {
            var start = last;
            // A sign-off right above the footer goes with it.
            var above = LastNonEmpty(head, last - 1);
            if (above >= 0 && SignOffRegex().IsMatch(head[above].Trim()) && HasTextBefore(head, above))
            {
                start = above;
            }

            return start;
        }

        // 4. A common sign-off followed only by a short block (name, title, phone).
        var tail = 0;
        for (var i = last; i >= 0; i--)
        {
            var t = head[i].Trim();
            if (t.Length == 0)
            {
                continue;
            }

            if (SignOffRegex().IsMatch(t))
            {
                return HasTextBefore(head, i) ? i : -1;
            }

            tail++;
            if (tail > MaxSignOffTailLines || t.Length > MaxSignOffTailLineChars)
            {
                return -1;
            }
        }

        return -1;
    }

    private static bool HasTextBefore(List<string> head, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (!string.IsNullOrWhiteSpace(head[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static int LastNonEmpty(List<string> lines, int from)
    {
        for (var i = from; i >= 0; i--)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int? NextNonEmpty(string[] lines, int from, int maxLook)
    {
        for (var i = from; i < lines.Length && i < from + maxLook; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                return i;
            }
        }

        return null;
    }

    private static bool IsQuotedLine(string line) => line.AsSpan().TrimStart().StartsWith('>');

    private static bool IsMarker(string line) => line.Length == 1 && line[0] is HtmlToText.QuoteMarker or HtmlToText.SignatureMarker;

    private static void AppendLine(StringBuilder sb, string line)
    {
        if (sb.Length > 0)
        {
            sb.Append('\n');
        }

        sb.Append(line);
    }

    [GeneratedRegex(@"^(?:-{2,}\s*(?:Original Message|Mensaje original|Mensagem original|Message d'origine|Urspr[üu]ngliche Nachricht)\s*-{2,}|-{2,}\s*(?:Forwarded message|Mensaje reenviado|Mensagem encaminhada|Message transf[ée]r[ée]|Weitergeleitete Nachricht)\s*-{2,}|(?:Begin forwarded message|Inicio del mensaje reenviado|In[ií]cio da mensagem encaminhada)\s*:)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeparatorRegex();

    [GeneratedRegex(@"^_{10,}\s*$")]
    private static partial Regex UnderscoreRuleRegex();

    [GeneratedRegex(@"^\s*\*?(?:From|De|Von)\s*:\*?\s*\S", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OutlookFromRegex();

    [GeneratedRegex(@"^\s*\*?(?:Sent|Date|Enviado(?: el| em)?|Enviada em|Fecha|Data|Gesendet|Envoy[ée])\s*:\*?\s*\S", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OutlookSentRegex();

    [GeneratedRegex(@"^(?:On|El|Em|Le|Am|Il|Op)\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AttributionStartRegex();

    [GeneratedRegex(@"^(?:On|El|Em|Le|Am|Il|Op)\s.{4,480}?\s(?:wrote|escribi[óo]|escreveu|a [ée]crit|schrieb|ha scritto|schreef)\s*:\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AttributionRegex();

    [GeneratedRegex(@"\s(?:wrote|escribi[óo]|escreveu|a [ée]crit|schrieb)\s*:\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WroteEndRegex();

    [GeneratedRegex(@"^(?:Sent from (?:my |Mail for |Yahoo Mail|Outlook)|Get Outlook for |Enviado desde (?:mi |Outlook|Correo para)|Enviado do (?:meu |Outlook|Email para)|Obtener Outlook para |Obter o Outlook para )[^\n]{0,60}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MobileFooterRegex();

    [GeneratedRegex(@"^(?:best|best regards|kind regards|warm regards|warmest regards|regards|many thanks|thanks|thanks again|thanks so much|thank you|cheers|best wishes|all the best|sincerely|yours sincerely|yours truly|talk soon|saludos|saludos cordiales|un saludo|muchos saludos|atentamente|cordialmente|gracias|muchas gracias|abrazos|un abrazo|abraço|abraços|abs|atenciosamente|cumprimentos|obrigado|obrigada|muito obrigado|muito obrigada|att|grato|grata)\s*[,.!]?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SignOffRegex();
}
