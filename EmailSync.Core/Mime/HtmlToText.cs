using System.Net;
using System.Text;

namespace EmailSync.Core.Mime;

/// <summary>
/// Converts email HTML to readable plain text in one forward pass (linear in the input, no DOM):
/// block elements become line breaks, lists get bullets or numbers, blockquotes get "&gt; " prefixes,
/// links render as "text (url)" when the url differs from the text, entities are decoded, scripts and
/// styles are dropped and whitespace is collapsed. It never throws on malformed markup.
/// </summary>
public static class HtmlToText
{
    /// <summary>A private-use character put on its own line where a quote container (gmail_quote, ...) starts.</summary>
    internal const char QuoteMarker = '\uE000';

    /// <summary>A private-use character put on its own line where a signature container (gmail_signature) starts.</summary>
    internal const char SignatureMarker = '\uE001';

    private const int MaxQuoteDepth = 16;
    private const int MaxListDepth = 32;

    /// <summary>Converts <paramref name="html"/> to plain text of at most <paramref name="maxChars"/> characters.</summary>
    public static string Convert(string? html, int maxChars = int.MaxValue) =>
        string.IsNullOrEmpty(html) ? "" : Convert(html, markContainers: false, maxChars);

    /// <summary>As <see cref="Convert(string?, int)"/>, optionally marking quote and signature containers.</summary>
    internal static string Convert(string html, bool markContainers, int maxChars)
    {
        var writer = new Writer(Math.Min(html.Length / 2 + 16, 1 << 20), maxChars);
        var converter = new Converter(html, writer, markContainers);
        converter.Run();
        return writer.ToString();
    }

    /// <summary>Removes the container markers from text produced with markers.</summary>
    internal static string RemoveMarkers(string text)
    {
        if (text.IndexOfAny([QuoteMarker, SignatureMarker]) < 0)
        {
            return text;
        }

        var lines = text.Split('\n');
        var sb = new StringBuilder(text.Length);
        foreach (var line in lines)
        {
            if (line.Length == 1 && line[0] is QuoteMarker or SignatureMarker)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(line);
        }

        return sb.ToString().Trim();
    }

    private sealed class Converter(string html, Writer writer, bool markContainers)
    {
        private readonly Stack<ListState> _lists = new();
        private int _pre;
        private int _linkStart = -1;
        private string? _linkHref;
        private bool _quoteMarked;
        private bool _signatureMarked;

        public void Run()
        {
            var n = html.Length;
            var i = 0;
            while (i < n && !writer.Full)
            {
                var lt = html.IndexOf('<', i);
                if (lt < 0)
                {
                    Text(i, n);
                    break;
                }

                if (lt > i)
                {
                    Text(i, lt);
                }

                i = Tag(lt);
            }
        }

        private void Text(int start, int end)
        {
            var span = html.AsSpan(start, end - start);
            if (span.IndexOf('&') >= 0)
            {
                writer.Text(WebUtility.HtmlDecode(span.ToString()), _pre > 0);
            }
            else
            {
                writer.Text(span, _pre > 0);
            }
        }

        /// <summary>Handles the markup starting at <paramref name="lt"/> and returns the index after it.</summary>
        private int Tag(int lt)
        {
            var n = html.Length;
            if (lt + 1 >= n)
            {
                return n;
            }

            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                return end < 0 ? n : end + 3;
            }

            var c = html[lt + 1];
            if (c is '!' or '?')
            {
                var end = html.IndexOf('>', lt + 2);
                return end < 0 ? n : end + 1;
            }

            var j = lt + 1;
            var closing = false;
            if (c == '/')
            {
                closing = true;
                j++;
            }

            if (j >= n || !char.IsAsciiLetter(html[j]))
            {
                // A bare '<' is text.
                writer.Text("<", _pre > 0);
                return lt + 1;
            }

            var nameStart = j;
            while (j < n && (char.IsAsciiLetterOrDigit(html[j]) || html[j] is ':' or '-' or '_'))
            {
                j++;
            }

            var name = html.AsSpan(nameStart, j - nameStart);
            var attributes = new TagAttributes();
            j = ReadAttributes(j, ref attributes);

            if (closing)
            {
                Close(name);
            }
            else
            {
                var skipTo = Open(name, attributes, j);
                if (skipTo >= 0)
                {
                    return skipTo;
                }
            }

            return j;
        }

        private int ReadAttributes(int j, ref TagAttributes attributes)
        {
            var n = html.Length;
            while (j < n)
            {
                var ch = html[j];
                if (ch == '>')
                {
                    return j + 1;
                }

                if (char.IsWhiteSpace(ch) || ch == '/')
                {
                    j++;
                    continue;
                }

                var attrStart = j;
                while (j < n && !char.IsWhiteSpace(html[j]) && html[j] is not ('=' or '>' or '/'))
                {
                    j++;
                }

                var attrName = html.AsSpan(attrStart, j - attrStart);
                while (j < n && char.IsWhiteSpace(html[j]))
                {
                    j++;
                }

                if (j >= n || html[j] != '=')
                {
                    continue;
                }

                j++;
                while (j < n && char.IsWhiteSpace(html[j]))
                {
                    j++;
                }

                if (j >= n)
                {
                    return n;
                }

                int valueStart, valueEnd;
                if (html[j] is '"' or '\'')
                {
                    var quote = html[j];
                    valueStart = j + 1;
                    var close = html.IndexOf(quote, valueStart);
                    valueEnd = close < 0 ? n : close;
                    j = close < 0 ? n : close + 1;
                }
                else
                {
                    valueStart = j;
                    while (j < n && !char.IsWhiteSpace(html[j]) && html[j] != '>')
                    {
                        j++;
                    }

                    valueEnd = j;
                }

                attributes.Set(attrName, html, valueStart, valueEnd);
            }

            return n;
        }

        /// <summary>Returns the index to continue from when the element's content is skipped, else -1.</summary>
        private int Open(ReadOnlySpan<char> name, TagAttributes attributes, int after)
        {
            switch (Classify(name))
            {
                case Kind.Skip:
                    return SkipRawText(name, after);
                case Kind.LineBreak:
                    writer.LineBreak();
                    break;
                case Kind.Paragraph:
                    MarkContainer(attributes, isBlockquote: false);
                    writer.BlockBreak(2);
                    break;
                case Kind.Block:
                    MarkContainer(attributes, isBlockquote: false);
                    writer.BlockBreak(1);
                    break;
                case Kind.Pre:
                    writer.BlockBreak(2);
                    _pre++;
                    break;
                case Kind.Blockquote:
                    MarkContainer(attributes, isBlockquote: true);
                    writer.BlockBreak(2);
                    writer.QuoteDepth = Math.Min(writer.QuoteDepth + 1, MaxQuoteDepth);
                    break;
                case Kind.List:
                    writer.BlockBreak(_lists.Count == 0 ? 2 : 1);
                    if (_lists.Count < MaxListDepth)
                    {
                        _lists.Push(new ListState(name.Equals("ol", StringComparison.OrdinalIgnoreCase)));
                    }

                    break;
                case Kind.ListItem:
                    writer.BlockBreak(1);
                    var indent = Math.Max(0, _lists.Count - 1) * 2;
                    if (_lists.TryPeek(out var list) && list.Ordered)
                    {
                        list.Counter++;
                        writer.Prefix(new string(' ', indent) + list.Counter.ToString(System.Globalization.CultureInfo.InvariantCulture) + ". ");
                    }
                    else
                    {
                        writer.Prefix(new string(' ', indent) + "- ");
                    }

                    break;
                case Kind.Cell:
                    writer.Space();
                    break;
                case Kind.Link:
                    _linkHref = attributes.Href is { } href ? UsableHref(href) : null;
                    _linkStart = writer.Length;
                    break;
            }

            return -1;
        }

        private void Close(ReadOnlySpan<char> name)
        {
            switch (Classify(name))
            {
                case Kind.Paragraph:
                    writer.BlockBreak(2);
                    break;
                case Kind.Block or Kind.ListItem:
                    writer.BlockBreak(1);
                    break;
                case Kind.Pre:
                    _pre = Math.Max(0, _pre - 1);
                    writer.BlockBreak(2);
                    break;
                case Kind.Blockquote:
                    writer.BlockBreak(2);
                    writer.QuoteDepth = Math.Max(0, writer.QuoteDepth - 1);
                    break;
                case Kind.List:
                    _lists.TryPop(out _);
                    writer.BlockBreak(_lists.Count == 0 ? 2 : 1);
                    break;
                case Kind.Cell:
                    writer.Space();
                    break;
                case Kind.Link:
                    EndLink();
                    break;
            }
        }

        private void EndLink()
        {
            if (_linkHref is { } href && _linkStart >= 0)
            {
                var text = writer.Substring(_linkStart).Trim();
                if (text.Length > 0 && !SameTarget(text, href))
                {
                    writer.Text(" (" + href + ")", preformatted: false);
                }
            }

            _linkHref = null;
            _linkStart = -1;
        }

        private void MarkContainer(TagAttributes attributes, bool isBlockquote)
        {
            if (!markContainers)
            {
                return;
            }

            var cls = attributes.Class;
            var id = attributes.Id;
            if (!_quoteMarked && (
                    (cls is not null && (cls.Contains("gmail_quote", StringComparison.OrdinalIgnoreCase)
                        || cls.Contains("yahoo_quoted", StringComparison.OrdinalIgnoreCase)
                        || cls.Contains("moz-cite-prefix", StringComparison.OrdinalIgnoreCase)
                        || cls.Contains("protonmail_quote", StringComparison.OrdinalIgnoreCase)))
                    || (id is not null && (id.Equals("divRplyFwdMsg", StringComparison.OrdinalIgnoreCase)
                        || id.Equals("appendonsend", StringComparison.OrdinalIgnoreCase)
                        || id.StartsWith("yahoo_quoted", StringComparison.OrdinalIgnoreCase)))
                    || (isBlockquote && attributes.Type is not null
                        && attributes.Type.Equals("cite", StringComparison.OrdinalIgnoreCase))))
            {
                _quoteMarked = true;
                writer.MarkerLine(QuoteMarker);
            }
            else if (!_signatureMarked && !_quoteMarked && cls is not null
                     && cls.Contains("gmail_signature", StringComparison.OrdinalIgnoreCase)
                     && !cls.Contains("gmail_signature_prefix", StringComparison.OrdinalIgnoreCase))
            {
                _signatureMarked = true;
                writer.MarkerLine(SignatureMarker);
            }
        }

        private int SkipRawText(ReadOnlySpan<char> name, int after)
        {
            var closeTag = "</" + name.ToString();
            var end = html.IndexOf(closeTag, after, StringComparison.OrdinalIgnoreCase);
            if (end < 0)
            {
                return html.Length;
            }

            var gt = html.IndexOf('>', end);
            return gt < 0 ? html.Length : gt + 1;
        }

        private static string? UsableHref(string href)
        {
            var value = WebUtility.HtmlDecode(href).Trim();
            if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                return value.Length > 2048 ? null : value;
            }

            return null;
        }

        private static bool SameTarget(string text, string href)
        {
            static string Strip(string s)
            {
                var v = s.Trim();
                foreach (var prefix in (ReadOnlySpan<string>)["mailto:", "https://", "http://"])
                {
                    if (v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    {
                        v = v[prefix.Length..];
                        break;
                    }
                }

                if (v.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
                {
                    v = v[4..];
                }

                return v.TrimEnd('/');
            }

            return string.Equals(Strip(text), Strip(href), StringComparison.OrdinalIgnoreCase);
        }

        private static Kind Classify(ReadOnlySpan<char> name)
        {
            Span<char> lower = stackalloc char[12];
            if (name.Length > lower.Length)
            {
                return Kind.Inline;
            }

            var len = name.ToLowerInvariant(lower);
            return lower[..len] switch
            {
                "script" or "style" or "title" or "template" or "xml" or "noscript" or "textarea" or "select" => Kind.Skip,
                "br" => Kind.LineBreak,
                "p" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "table" or "hr" or "dl" or "figure"
                    or "address" or "fieldset" or "center" => Kind.Paragraph,
                "div" or "tr" or "section" or "article" or "header" or "footer" or "nav" or "aside" or "main"
                    or "dt" or "dd" or "caption" or "figcaption" or "details" or "summary" or "form" or "body"
                    or "thead" or "tbody" or "tfoot" => Kind.Block,
                "pre" or "xmp" or "listing" or "plaintext" => Kind.Pre,
                "blockquote" => Kind.Blockquote,
                "ul" or "ol" or "menu" => Kind.List,
                "li" => Kind.ListItem,
                "td" or "th" => Kind.Cell,
                "a" => Kind.Link,
                _ => Kind.Inline,
            };
        }
    }

    private enum Kind
    {
        Inline,
        Skip,
        LineBreak,
        Paragraph,
        Block,
        Pre,
        Blockquote,
        List,
        ListItem,
        Cell,
        Link,
    }

    private sealed class ListState(bool ordered)
    {
        public bool Ordered { get; } = ordered;
        public int Counter { get; set; }
    }

    /// <summary>The few attributes the converter cares about.</summary>
    private struct TagAttributes
    {
        public string? Href;
        public string? Class;
        public string? Id;
        public string? Type;

        public void Set(ReadOnlySpan<char> name, string html, int start, int end)
        {
            if (name.Equals("href", StringComparison.OrdinalIgnoreCase))
            {
                Href = html[start..end];
            }
            else if (name.Equals("class", StringComparison.OrdinalIgnoreCase))
            {
                Class = html[start..Math.Min(end, start + 256)];
            }
            else if (name.Equals("id", StringComparison.OrdinalIgnoreCase))
            {
                Id = html[start..Math.Min(end, start + 256)];
            }
            else if (name.Equals("type", StringComparison.OrdinalIgnoreCase))
            {
                Type = html[start..Math.Min(end, start + 32)];
            }
        }
    }

    /// <summary>Appends text with lazy whitespace: spaces and line breaks are only written before the next visible text.</summary>
    private sealed class Writer(int capacity, int maxChars)
    {
        private readonly StringBuilder _sb = new(capacity);
        private int _pendingNewlines;
        private int _breakDepth;
        private bool _pendingSpace;
        private string? _pendingPrefix;

        public int QuoteDepth { get; set; }
        public int Length => _sb.Length;
        public bool Full => _sb.Length >= maxChars;

        public string Substring(int start) => start >= _sb.Length ? "" : _sb.ToString(start, _sb.Length - start);

        public void Text(ReadOnlySpan<char> text, bool preformatted)
        {
            foreach (var ch in text)
            {
                if (ch is '\u200B' or '\u200C' or '\u200D' or '\uFEFF' or '\u034F' or '\u00AD' or '\r')
                {
                    continue;
                }

                if (preformatted)
                {
                    if (ch == '\n')
                    {
                        Flush();
                        _sb.Append('\n');
                        continue;
                    }

                    Flush();
                    _sb.Append(ch == '\t' ? ' ' : ch);
                    continue;
                }

                if (char.IsWhiteSpace(ch))
                {
                    if (_sb.Length > 0 && !AtLineStart)
                    {
                        _pendingSpace = true;
                    }

                    continue;
                }

                Flush();
                _sb.Append(ch);
            }
        }

        public void Space()
        {
            if (_sb.Length > 0 && !AtLineStart)
            {
                _pendingSpace = true;
            }
        }

        public void LineBreak()
        {
            if (_sb.Length > 0)
            {
                NoteBreakDepth();
                _pendingNewlines = Math.Min(_pendingNewlines + 1, 2);
                _pendingSpace = false;
            }
        }

        public void BlockBreak(int lines)
        {
            if (_sb.Length > 0)
            {
                NoteBreakDepth();
                _pendingNewlines = Math.Max(_pendingNewlines, lines);
                _pendingSpace = false;
            }
        }

        /// <summary>A list bullet or number written at the start of the next line of text.</summary>
        public void Prefix(string prefix) => _pendingPrefix = prefix;

        public void MarkerLine(char marker)
        {
            if (_sb.Length > 0)
            {
                _pendingNewlines = Math.Max(_pendingNewlines, 1);
            }

            var depth = QuoteDepth;
            QuoteDepth = 0;
            _pendingPrefix = null;
            Flush();
            QuoteDepth = depth;
            _sb.Append(marker);
            _pendingNewlines = 1;
            _pendingSpace = false;
        }

        /// <summary>Blank lines take the shallowest quote depth seen since the last text, so none leaks outside a quote.</summary>
        private void NoteBreakDepth() => _breakDepth = _pendingNewlines == 0 ? QuoteDepth : Math.Min(_breakDepth, QuoteDepth);

        private bool AtLineStart => _sb.Length == 0 || _sb[^1] == '\n' || _pendingNewlines > 0;

        private void Flush()
        {
            if (_pendingNewlines > 0)
            {
                for (var k = 0; k < _pendingNewlines; k++)
                {
                    var blankDepth = Math.Min(_breakDepth, QuoteDepth);
                    if (k > 0 && blankDepth > 0)
                    {
                        _sb.Append('>', blankDepth);
                    }

                    _sb.Append('\n');
                }

                _pendingNewlines = 0;
                _pendingSpace = false;
            }

            if (_sb.Length == 0 || _sb[^1] == '\n')
            {
                if (QuoteDepth > 0)
                {
                    _sb.Append('>', QuoteDepth).Append(' ');
                }

                if (_pendingPrefix is not null)
                {
                    _sb.Append(_pendingPrefix);
                    _pendingPrefix = null;
                }

                _pendingSpace = false;
            }
            else if (_pendingSpace)
            {
                _sb.Append(' ');
                _pendingSpace = false;
            }
        }

        public override string ToString()
        {
            var text = _sb.Length > maxChars ? _sb.ToString(0, maxChars) : _sb.ToString();
            return text.Trim();
        }
    }
}
