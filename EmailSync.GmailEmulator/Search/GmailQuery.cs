using System.Globalization;
using EmailSync.GmailEmulator.Model;

namespace EmailSync.GmailEmulator.Search;

/// <summary>A query the emulator cannot answer faithfully; surfaces as HTTP 400 invalidArgument.</summary>
public sealed class QueryException(string message) : Exception(message);

/// <summary>What a predicate sees: the message, its labels (a snapshot) and the mailbox.</summary>
public readonly record struct QueryTarget(StoredMessage Message, IReadOnlySet<string> Labels, Mailbox Mailbox);

/// <summary>
/// Gmail search syntax (the subset in the reference): from: to: cc: bcc: deliveredto: subject:
/// after: before: newer_than: older_than: has: in: label: is: filename: category: rfc822msgid:
/// larger: smaller:, bare words, "phrases", -negation, OR, {a b}, (groups). OR binds tighter than
/// the implicit AND, as in Gmail. Anything else is refused with <see cref="QueryException"/>.
/// </summary>
public sealed class GmailQuery
{
    private static readonly HashSet<string> Supported = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "to", "cc", "bcc", "deliveredto", "subject", "after", "before", "newer_than", "older_than",
        "has", "in", "label", "is", "filename", "category", "rfc822msgid", "larger", "smaller", "newer", "older",
    };

    private readonly Node root;

    private GmailQuery(Node root, bool mentionsSpamOrTrash)
    {
        this.root = root;
        MentionsSpamOrTrash = mentionsSpamOrTrash;
    }

    /// <summary>True when the query asks for SPAM/TRASH (in:spam, in:trash, in:anywhere, label:spam ...), which lifts the default exclusion.</summary>
    public bool MentionsSpamOrTrash { get; }

    public bool Matches(in QueryTarget target) => root.Eval(target);

    public static GmailQuery Parse(string? q, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return new GmailQuery(new AllNode(), false);
        }

        var parser = new Parser(Tokenize(q), now);
        var node = parser.ParseAll();
        return new GmailQuery(node, parser.MentionsSpamOrTrash);
    }

    // ---------------- tokens ----------------

    private enum Tok { Word, Phrase, LParen, RParen, LBrace, RBrace, Minus, Or, And, Operator }

    private readonly record struct Token(Tok Kind, string Text, string? Op = null);

    private static List<Token> Tokenize(string q)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < q.Length)
        {
            var ch = q[i];
            if (char.IsWhiteSpace(ch))
            {
                i++;
                continue;
            }

            switch (ch)
            {
                case '(': tokens.Add(new Token(Tok.LParen, "(")); i++; continue;
                case ')': tokens.Add(new Token(Tok.RParen, ")")); i++; continue;
                case '{': tokens.Add(new Token(Tok.LBrace, "{")); i++; continue;
                case '}': tokens.Add(new Token(Tok.RBrace, "}")); i++; continue;
                case '"':
                    var end = q.IndexOf('"', i + 1);
                    if (end < 0)
                    {
                        end = q.Length;
                    }

                    tokens.Add(new Token(Tok.Phrase, q[(i + 1)..end]));
                    i = Math.Min(q.Length, end + 1);
                    continue;
                case '-' when i + 1 < q.Length && !char.IsWhiteSpace(q[i + 1]) && (i == 0 || char.IsWhiteSpace(q[i - 1]) || q[i - 1] is '(' or '{'):
                    tokens.Add(new Token(Tok.Minus, "-"));
                    i++;
                    continue;
            }

            var start = i;
            while (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] is not '(' and not ')' and not '{' and not '}' and not '"')
            {
                i++;
            }

            var word = q[start..i];
            var colon = word.IndexOf(':');
            if (colon > 0 && word[..colon].All(c => char.IsAsciiLetter(c) || c == '_'))
            {
                var op = word[..colon].ToLowerInvariant();
                if (!Supported.Contains(op))
                {
                    throw new QueryException($"Unsupported search operator '{op}:'. The emulator supports: {string.Join(", ", Supported.Order().Select(s => s + ":"))}, bare words, \"phrases\", -, OR, {{}} and ().");
                }

                var value = word[(colon + 1)..];
                if (value.Length == 0)
                {
                    // op:"phrase", op:(group) or op:{group}
                    if (i < q.Length && q[i] == '"')
                    {
                        var close = q.IndexOf('"', i + 1);
                        if (close < 0)
                        {
                            close = q.Length;
                        }

                        tokens.Add(new Token(Tok.Operator, q[(i + 1)..close], op));
                        i = Math.Min(q.Length, close + 1);
                        continue;
                    }

                    if (i < q.Length && q[i] is '(' or '{')
                    {
                        tokens.Add(new Token(Tok.Operator, "", op));
                        continue;
                    }

                    throw new QueryException($"Search operator '{op}:' needs a value.");
                }

                tokens.Add(new Token(Tok.Operator, value, op));
                continue;
            }

            tokens.Add(word switch
            {
                "OR" or "|" => new Token(Tok.Or, word),
                "AND" => new Token(Tok.And, word),
                _ => new Token(Tok.Word, word),
            });
        }

        return tokens;
    }

    // ---------------- parser ----------------

    private sealed class Parser(List<Token> tokens, DateTimeOffset now)
    {
        private int pos;

        public bool MentionsSpamOrTrash { get; private set; }

        public Node ParseAll()
        {
            var node = ParseAnd(null, stopAt: null);
            if (pos < tokens.Count)
            {
                throw new QueryException($"Unexpected '{tokens[pos].Text}' in search query.");
            }

            return node;
        }

        private Token? Peek => pos < tokens.Count ? tokens[pos] : null;

        /// <summary>and := or+ (implicit AND)</summary>
        private Node ParseAnd(string? op, Tok? stopAt)
        {
            var items = new List<Node>();
            while (Peek is { } t && t.Kind != stopAt)
            {
                if (t.Kind == Tok.And)
                {
                    pos++;
                    continue;
                }

                if (t.Kind is Tok.RParen or Tok.RBrace)
                {
                    throw new QueryException($"Unbalanced '{t.Text}' in search query.");
                }

                items.Add(ParseOr(op));
            }

            return items.Count switch
            {
                0 => new AllNode(),
                1 => items[0],
                _ => new AndNode(items),
            };
        }

        /// <summary>or := unary (OR unary)*</summary>
        private Node ParseOr(string? op)
        {
            var first = ParseUnary(op);
            List<Node>? alts = null;
            while (Peek is { Kind: Tok.Or })
            {
                pos++;
                if (Peek is null)
                {
                    throw new QueryException("OR needs a term after it.");
                }

                (alts ??= [first]).Add(ParseUnary(op));
            }

            return alts is null ? first : new OrNode(alts);
        }

        private Node ParseUnary(string? op)
        {
            if (Peek is { Kind: Tok.Minus })
            {
                pos++;
                return new NotNode(ParseUnary(op));
            }

            return ParsePrimary(op);
        }

        private Node ParsePrimary(string? op)
        {
            var t = tokens[pos++];
            switch (t.Kind)
            {
                case Tok.LParen:
                {
                    var inner = ParseAnd(op, Tok.RParen);
                    Expect(Tok.RParen, ")");
                    return inner;
                }

                case Tok.LBrace:
                {
                    var alts = new List<Node>();
                    while (Peek is { } p && p.Kind != Tok.RBrace)
                    {
                        if (p.Kind is Tok.Or or Tok.And)
                        {
                            pos++;
                            continue;
                        }

                        alts.Add(ParseUnary(op));
                    }

                    Expect(Tok.RBrace, "}");
                    return alts.Count == 0 ? new AllNode() : new OrNode(alts);
                }

                case Tok.Operator when t.Text.Length == 0:
                    // op:(...) or op:{...}: the group's bare terms take the operator.
                    return ParsePrimary(t.Op);
                case Tok.Operator:
                    return Term(t.Op!, t.Text, phrase: false);
                case Tok.Word:
                    return op is null ? new TextNode(t.Text, Phrase: false) : Term(op, t.Text, phrase: false);
                case Tok.Phrase:
                    return op is null ? new TextNode(t.Text, Phrase: true) : Term(op, t.Text, phrase: true);
                case Tok.Or:
                    throw new QueryException("OR needs a term before it.");
                default:
                    throw new QueryException($"Unexpected '{t.Text}' in search query.");
            }
        }

        private void Expect(Tok kind, string text)
        {
            if (Peek is not { } t || t.Kind != kind)
            {
                throw new QueryException($"Missing '{text}' in search query.");
            }

            pos++;
        }

        private Node Term(string op, string value, bool phrase)
        {
            var v = value.Trim();
            switch (op)
            {
                case "from": return new AddressNode(AddressField.From, v);
                case "to": return new AddressNode(AddressField.To, v);
                case "cc": return new AddressNode(AddressField.Cc, v);
                case "bcc": return new AddressNode(AddressField.Bcc, v);
                case "deliveredto": return new AddressNode(AddressField.DeliveredTo, v);
                case "subject": return new SubjectNode(v);
                case "after": return new DateNode(ParseDate(op, v), After: true);
                case "before": return new DateNode(ParseDate(op, v), After: false);
                case "newer": return new DateNode(ParseDate(op, v), After: true);
                case "older": return new DateNode(ParseDate(op, v), After: false);
                case "newer_than": return new DateNode(Relative(op, v), After: true);
                case "older_than": return new DateNode(Relative(op, v), After: false);
                case "filename": return new FilenameNode(v.ToLowerInvariant());
                case "rfc822msgid": return new MessageIdNode(v.Trim('<', '>'));
                case "larger": return new SizeNode(ParseSize(op, v), Larger: true);
                case "smaller": return new SizeNode(ParseSize(op, v), Larger: false);
                case "has":
                    return v.ToLowerInvariant() switch
                    {
                        "attachment" => new HasAttachmentNode(),
                        "userlabels" => new UserLabelsNode(true),
                        "nouserlabels" => new UserLabelsNode(false),
                        _ => throw new QueryException($"Unsupported value 'has:{v}'. Supported: has:attachment, has:userlabels, has:nouserlabels."),
                    };
                case "is":
                    return v.ToLowerInvariant() switch
                    {
                        "unread" => new LabelNode("UNREAD"),
                        "read" => new NotNode(new LabelNode("UNREAD")),
                        "starred" => new LabelNode("STARRED"),
                        "unstarred" => new NotNode(new LabelNode("STARRED")),
                        "important" => new LabelNode("IMPORTANT"),
                        _ => throw new QueryException($"Unsupported value 'is:{v}'. Supported: is:unread, is:read, is:starred, is:unstarred, is:important."),
                    };
                case "category":
                    return v.ToLowerInvariant() switch
                    {
                        "primary" => new NotNode(new OrNode([new LabelNode("CATEGORY_SOCIAL"), new LabelNode("CATEGORY_PROMOTIONS"), new LabelNode("CATEGORY_UPDATES"), new LabelNode("CATEGORY_FORUMS")])),
                        "social" or "promotions" or "updates" or "forums" or "personal" => new LabelNode("CATEGORY_" + v.ToUpperInvariant()),
                        _ => throw new QueryException($"Unsupported value 'category:{v}'."),
                    };
                case "in":
                    var lower = v.ToLowerInvariant();
                    if (lower == "anywhere")
                    {
                        MentionsSpamOrTrash = true;
                        return new AllNode();
                    }

                    var inLabel = lower switch
                    {
                        "inbox" => "INBOX",
                        "sent" => "SENT",
                        "spam" => "SPAM",
                        "trash" => "TRASH",
                        "draft" or "drafts" => "DRAFT",
                        "starred" => "STARRED",
                        "important" => "IMPORTANT",
                        "unread" => "UNREAD",
                        "chats" or "chat" => "CHAT",
                        _ => null,
                    };
                    if (inLabel is null)
                    {
                        return new LabelNode(v);
                    }

                    MentionsSpamOrTrash |= inLabel is "SPAM" or "TRASH";
                    return new LabelNode(inLabel);
                case "label":
                    MentionsSpamOrTrash |= v.Equals("spam", StringComparison.OrdinalIgnoreCase) || v.Equals("trash", StringComparison.OrdinalIgnoreCase);
                    return new LabelNode(v);
                default:
                    throw new QueryException($"Unsupported search operator '{op}:'.");
            }
        }

        private DateTimeOffset Relative(string op, string v)
        {
            if (v.Length < 2 || !int.TryParse(v[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw new QueryException($"Invalid value '{op}:{v}': use a number and d, m or y (e.g. {op}:7d).");
            }

            return char.ToLowerInvariant(v[^1]) switch
            {
                'd' => now.AddDays(-n),
                'm' => now.AddMonths(-n),
                'y' => now.AddYears(-n),
                _ => throw new QueryException($"Invalid value '{op}:{v}': the unit must be d, m or y."),
            };
        }

        private static DateTimeOffset ParseDate(string op, string v)
        {
            if (long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && v.Length >= 9)
            {
                return DateTimeOffset.FromUnixTimeSeconds(epoch);
            }

            string[] formats = ["yyyy/M/d", "yyyy-M-d", "yyyy/MM/dd", "yyyy-MM-dd", "M/d/yyyy"];
            if (DateTime.TryParseExact(v, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d))
            {
                return new DateTimeOffset(d, TimeSpan.Zero);
            }

            throw new QueryException($"Invalid date '{op}:{v}': use YYYY/MM/DD or epoch seconds.");
        }

        private static long ParseSize(string op, string v)
        {
            var mult = 1L;
            var s = v.ToUpperInvariant();
            if (s.EndsWith('M'))
            {
                mult = 1024 * 1024;
                s = s[..^1];
            }
            else if (s.EndsWith('K'))
            {
                mult = 1024;
                s = s[..^1];
            }

            return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n * mult
                : throw new QueryException($"Invalid size '{op}:{v}'.");
        }
    }

    // ---------------- nodes ----------------

    private abstract class Node
    {
        public abstract bool Eval(in QueryTarget t);
    }

    private sealed class AllNode : Node
    {
        public override bool Eval(in QueryTarget t) => true;
    }

    private sealed class AndNode(List<Node> items) : Node
    {
        public override bool Eval(in QueryTarget t)
        {
            foreach (var n in items)
            {
                if (!n.Eval(t))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class OrNode(List<Node> items) : Node
    {
        public override bool Eval(in QueryTarget t)
        {
            foreach (var n in items)
            {
                if (n.Eval(t))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class NotNode(Node inner) : Node
    {
        public override bool Eval(in QueryTarget t) => !inner.Eval(t);
    }

    /// <summary>Bare word or phrase: whole words, case and accent insensitive, anywhere in the message.</summary>
    private sealed class TextNode(string text, bool Phrase) : Node
    {
        private readonly string needle = TextFolding.Tokens(text);

        public bool IsPhrase { get; } = Phrase;

        public override bool Eval(in QueryTarget t) =>
            needle.Length <= 1 || t.Message.Content.Doc.TextTokens.Contains(needle, StringComparison.Ordinal);
    }

    private sealed class SubjectNode(string text) : Node
    {
        private readonly string needle = TextFolding.Tokens(text);

        public override bool Eval(in QueryTarget t) =>
            needle.Length <= 1 || t.Message.Content.Doc.SubjectTokens.Contains(needle, StringComparison.Ordinal);
    }

    private enum AddressField { From, To, Cc, Bcc, DeliveredTo }

    /// <summary>Matches a whole address, a local part, a domain (or parent domain), or words of the display name. "me" is the mailbox owner.</summary>
    private sealed class AddressNode(AddressField field, string value) : Node
    {
        private readonly string v = value.Trim().ToLowerInvariant().TrimStart('@');
        private readonly string nameNeedle = TextFolding.Tokens(value);

        public override bool Eval(in QueryTarget t)
        {
            var doc = t.Message.Content.Doc;
            if (field == AddressField.To)
            {
                // Gmail's to: also finds the message when the address is in Cc or Bcc.
                return Any(doc.To, t.Mailbox) || Any(doc.Cc, t.Mailbox) || Any(doc.Bcc, t.Mailbox);
            }

            var list = field switch
            {
                AddressField.From => doc.From,
                AddressField.Cc => doc.Cc,
                AddressField.Bcc => doc.Bcc,
                _ => doc.DeliveredTo,
            };
            return Any(list, t.Mailbox);
        }

        private bool Any(IReadOnlyList<AddressInfo> list, Mailbox mailbox)
        {
            foreach (var a in list)
            {
                if (v == "me")
                {
                    if (mailbox.Owns(a.Address))
                    {
                        return true;
                    }

                    continue;
                }

                if (a.Address == v || a.Local == v || a.Domain == v || a.Domain.EndsWith("." + v, StringComparison.Ordinal))
                {
                    return true;
                }

                if (!v.Contains('@') && !v.Contains('.') && nameNeedle.Length > 1 && a.NameTokens.Contains(nameNeedle, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class DateNode(DateTimeOffset at, bool After) : Node
    {
        private readonly long ms = at.ToUnixTimeMilliseconds();

        public override bool Eval(in QueryTarget t) => After ? t.Message.InternalDate >= ms : t.Message.InternalDate < ms;
    }

    private sealed class HasAttachmentNode : Node
    {
        public override bool Eval(in QueryTarget t) => t.Message.Content.Doc.HasAttachment;
    }

    private sealed class UserLabelsNode(bool has) : Node
    {
        public override bool Eval(in QueryTarget t) => t.Labels.Any(l => l.StartsWith("Label_", StringComparison.Ordinal)) == has;
    }

    /// <summary>filename:pdf matches the extension; filename:invoice.pdf a whole name; other values a part of a name.</summary>
    private sealed class FilenameNode(string value) : Node
    {
        public override bool Eval(in QueryTarget t)
        {
            foreach (var f in t.Message.Content.Doc.Filenames)
            {
                var name = f.ToLowerInvariant();
                if (name == value || name.EndsWith("." + value, StringComparison.Ordinal) || name.Contains(value, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class MessageIdNode(string value) : Node
    {
        public override bool Eval(in QueryTarget t) =>
            string.Equals(t.Message.Content.Doc.MessageIdHeader, value, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class SizeNode(long bytes, bool Larger) : Node
    {
        public override bool Eval(in QueryTarget t) => Larger ? t.Message.Content.Size > bytes : t.Message.Content.Size < bytes;
    }

    /// <summary>A label by id or by name (case-insensitive; spaces and slashes may be written as dashes).</summary>
    private sealed class LabelNode(string label) : Node
    {
        private string? resolvedFor;
        private string? resolvedId;

        public override bool Eval(in QueryTarget t)
        {
            if (!ReferenceEquals(resolvedFor, t.Mailbox.Address))
            {
                resolvedId = t.Mailbox.FindLabel(label)?.Id ?? "\0unknown";
                resolvedFor = t.Mailbox.Address;
            }

            return t.Labels.Contains(resolvedId!);
        }
    }
}
