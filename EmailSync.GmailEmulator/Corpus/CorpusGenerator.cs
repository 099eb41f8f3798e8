using System.Globalization;
using System.Text;
using EmailSync.GmailEmulator.Model;

namespace EmailSync.GmailEmulator.Corpus;

/// <summary>A customer company of the generated world.</summary>
public sealed record Company(string Name, string Domain, string Language, IReadOnlyList<Person> Contacts);

/// <summary>The people of a generated world, shared by every mailbox of one seed.</summary>
public sealed class World
{
    public required string OrganizationDomain { get; init; }
    public required IReadOnlyList<Company> Companies { get; init; }
    public required IReadOnlyList<Person> Colleagues { get; init; }

    public static World Create(int seed, string organizationDomain, int customerCount)
    {
        var rng = new Random(seed);
        var companies = new List<Company>();
        var usedDomains = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < customerCount; i++)
        {
            var lang = Vocabulary.Languages[i % 5 < 3 ? 0 : i % 5 == 3 ? 1 : 2];
            var word = Pick(rng, Vocabulary.CompanyWords[lang]);
            var name = $"{word} {Pick(rng, Vocabulary.CompanySuffix[lang])}";
            var slug = Slug(word);
            var domain = slug + Pick(rng, Vocabulary.Tlds[lang]);
            for (var n = 2; !usedDomains.Add(domain); n++)
            {
                domain = $"{slug}{n}{Pick(rng, Vocabulary.Tlds[lang])}";
            }

            var contacts = Enumerable.Range(0, rng.Next(2, 6)).Select(_ => NewPerson(rng, lang, domain)).DistinctBy(p => p.Address).ToArray();
            companies.Add(new Company(name, domain, lang, contacts));
        }

        var colleagues = Enumerable.Range(0, 8).Select(_ => NewPerson(rng, "en", organizationDomain)).DistinctBy(p => p.Address).ToArray();
        return new World { OrganizationDomain = organizationDomain, Companies = companies, Colleagues = colleagues };
    }

    private static Person NewPerson(Random rng, string lang, string domain)
    {
        var first = Pick(rng, Vocabulary.FirstNames[lang]);
        var last = Pick(rng, Vocabulary.LastNames[lang]);
        return new Person($"{first} {last}", $"{Slug(first)}.{Slug(last)}@{domain}");
    }

    internal static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    internal static string Slug(string s)
    {
        var folded = TextFolding.Fold(s);
        return new string(folded.Where(char.IsAsciiLetterOrDigit).ToArray());
    }
}

/// <summary>
/// Fills a mailbox with a deterministic, realistic corpus: customer threads (EN/ES/PT, tones, critical
/// words, CC/BCC, attachments), alias mail, newsletters, automated mail, internal and personal mail,
/// calendar invites, spam and trash. Only specs are built here; bytes are rendered when asked for.
/// </summary>
public static class CorpusGenerator
{
    private sealed record Draft(MessageSpec Spec, string[] Labels, string Category, int Thread);

    public static void Fill(Mailbox box, World world, int seed, int count, DateTimeOffset end, int spanDays, RenderCache cache)
    {
        if (count <= 0)
        {
            return;
        }

        var rng = new Random(HashCode32(seed, box.Address));
        var owner = new Person(box.DisplayName, box.Address);
        var drafts = new List<Draft>(count + 8);
        var start = end.AddDays(-spanDays);
        var book = world.Companies.Where((_, i) => (i + (int)(HashCode32(seed, box.Address) & 0x7fffffff)) % 3 != 0).ToArray();
        if (book.Length == 0)
        {
            book = world.Companies.ToArray();
        }

        var thread = 0;
        var ctx = new Ctx(rng, world, box, owner, start, end, drafts);
        while (drafts.Count < count)
        {
            var roll = rng.NextDouble();
            var t = thread++;
            if (roll < 0.50)
            {
                CustomerThread(ctx, t, World.Pick(rng, book), alias: null);
            }
            else if (roll < 0.58 && box.Aliases.Count > 0)
            {
                CustomerThread(ctx, t, World.Pick(rng, book), alias: World.Pick(rng, box.Aliases));
            }
            else if (roll < 0.68)
            {
                Newsletter(ctx, t);
            }
            else if (roll < 0.76)
            {
                Automated(ctx, t);
            }
            else if (roll < 0.86)
            {
                Internal(ctx, t);
            }
            else if (roll < 0.91)
            {
                Personal(ctx, t);
            }
            else if (roll < 0.96)
            {
                Calendar(ctx, t, World.Pick(rng, book));
            }
            else
            {
                Spam(ctx, t);
            }
        }

        if (drafts.Count > count)
        {
            drafts.RemoveRange(count, drafts.Count - count);
        }

        var ordered = drafts.Select((d, i) => (d, i)).OrderBy(x => x.d.Spec.Date).ThenBy(x => x.i).Select(x => x.d).ToList();
        var threadIds = new Dictionary<int, string>();
        var salt = 0;
        lock (box.Sync)
        {
            foreach (var d in ordered)
            {
                var ms = d.Spec.Date.ToUnixTimeMilliseconds();
                var id = MailboxStore.NewId(box, ms, ref salt);
                if (!threadIds.TryGetValue(d.Thread, out var threadId))
                {
                    threadIds[d.Thread] = threadId = id;
                }

                var message = new StoredMessage(id, threadId, ms, new GeneratedContent(d.Spec, cache)) { Category = d.Category };
                foreach (var label in d.Labels.Where(l => l.StartsWith("user:", StringComparison.Ordinal)))
                {
                    box.EnsureUserLabel(label[5..]);
                }

                var labels = d.Labels.Select(l => l.StartsWith("user:", StringComparison.Ordinal) ? box.FindLabel(l[5..])!.Id : l);
                box.Add(message, labels, recordHistory: false, end);
            }
        }
    }

    private sealed record Ctx(Random Rng, World World, Mailbox Box, Person Owner, DateTimeOffset Start, DateTimeOffset End, List<Draft> Drafts)
    {
        public DateTimeOffset RandomStart() => Start.AddSeconds(Rng.NextDouble() * (End - Start).TotalSeconds * 0.995);

        public DateTimeOffset Later(DateTimeOffset t) => t.AddMinutes(20 + Rng.Next(0, 60 * 72));

        public ulong NextHash() => (ulong)Rng.NextInt64() ^ ((ulong)Drafts.Count << 40);
    }

    private static string MessageIdFor(ulong hash, string fromAddress)
    {
        var domain = fromAddress[(fromAddress.IndexOf('@') + 1)..];
        if (domain is "gmail.com")
        {
            domain = "mail.gmail.com";
        }

        return $"{hash:x16}.{hash % 9973:x}@{domain}";
    }

    private static string[] ReceivedLabels(Ctx c, DateTimeOffset date, string? category, bool important)
    {
        var labels = new List<string>();
        if (c.Rng.NextDouble() > 0.15)
        {
            labels.Add("INBOX");
        }

        if ((c.End - date).TotalDays < 14 && c.Rng.NextDouble() < 0.6)
        {
            labels.Add("UNREAD");
        }

        if (important)
        {
            labels.Add("IMPORTANT");
        }

        if (c.Rng.NextDouble() < 0.04)
        {
            labels.Add("STARRED");
        }

        if (category is not null)
        {
            labels.Add(category);
        }

        return [.. labels];
    }

    private static void AddDraft(Ctx c, MessageSpec spec, string[] labels, string category, int thread, bool trash)
    {
        if (spec.Date > c.End)
        {
            return;
        }

        if (trash)
        {
            labels = labels.Where(l => l is not "INBOX").Append("TRASH").ToArray();
        }

        c.Drafts.Add(new Draft(spec, labels, category, thread));
    }

    private static void CustomerThread(Ctx c, int thread, Company company, string? alias)
    {
        var rng = c.Rng;
        var lang = company.Language;
        var topicIndex = rng.Next(Vocabulary.Topics[lang].Length);
        var topic = Vocabulary.Topics[lang][topicIndex];
        var product = World.Pick(rng, Vocabulary.Products);
        var subject = Fill(topic.Subject, product, company.Name, "");
        var tone = rng.NextDouble() switch { < 0.35 => "positive", < 0.8 => "neutral", _ => "negative" };
        var critical = tone == "negative" && rng.NextDouble() < 0.6;
        var contact = World.Pick(rng, company.Contacts);
        var ownerSide = alias is null ? c.Owner : new Person(c.Owner.Name, alias);
        var ccCustomer = company.Contacts.Count > 1 && rng.NextDouble() < 0.3 ? company.Contacts.First(p => p != contact) : null;
        var ccColleague = rng.NextDouble() < 0.2 ? World.Pick(rng, c.World.Colleagues) : null;
        var bccOnSent = rng.NextDouble() < 0.12 ? World.Pick(rng, c.World.Colleagues) : null;
        var length = 1 + Geometric(rng, 0.45, 6);
        var ownerFirst = alias is null && rng.NextDouble() < 0.4;
        var trash = rng.NextDouble() < 0.02;
        var userLabel = topicIndex is 1 ? "user:Renewals" : topicIndex is 4 ? "user:Billing" : rng.NextDouble() < 0.3 ? "user:Customers" : null;
        var date = c.RandomStart();
        var refs = new List<string>();
        string? previousBody = null;
        Person? previousFrom = null;
        DateTimeOffset previousDate = date;
        for (var i = 0; i < length; i++)
        {
            var fromOwner = (i % 2 == 0) == ownerFirst;
            var from = fromOwner ? ownerSide : contact;
            var to = fromOwner ? contact : ownerSide;
            var hash = c.NextHash();
            var lines = new List<string> { string.Format(CultureInfo.InvariantCulture, Vocabulary.Greeting[lang], FirstName(to.Name)) };
            if (i == 0)
            {
                lines.Add(Fill(topic.Opening, product, company.Name, ""));
            }

            var toneNow = fromOwner ? (rng.NextDouble() < 0.7 ? "positive" : "neutral") : tone;
            lines.Add(Fill(World.Pick(rng, Vocabulary.ToneLines[lang][toneNow]), product, company.Name, ""));
            if (!fromOwner && critical && (i == 0 || rng.NextDouble() < 0.5))
            {
                lines.Add(Fill(World.Pick(rng, Vocabulary.Critical[lang]), product, company.Name, World.Pick(rng, Vocabulary.Competitors)));
            }

            var neutral = Fill(World.Pick(rng, Vocabulary.ToneLines[lang]["neutral"]), product, company.Name, "");
            if (!lines.Contains(neutral))
            {
                lines.Add(neutral);
            }

            var body = new StringBuilder(string.Join("\n\n", lines));
            body.Append("\n\n").Append(Vocabulary.Closing[lang]).Append('\n').Append(from.Name);
            if (fromOwner)
            {
                body.Append('\n').Append("Customer Success | ").Append(c.World.OrganizationDomain);
            }

            if (previousBody is not null && previousFrom is not null)
            {
                body.Append("\n\n").Append(string.Format(CultureInfo.InvariantCulture, Vocabulary.Wrote[lang], previousDate.ToString("ddd, MMM d, yyyy 'at' HH:mm", CultureInfo.InvariantCulture), $"{previousFrom.Name} <{previousFrom.Address}>")).Append('\n');
                foreach (var line in previousBody.Split('\n').Take(30))
                {
                    body.Append("> ").Append(line).Append('\n');
                }
            }

            var attachments = new List<AttachmentSpec>();
            var invoiceFromOwner = topicIndex == 4 && fromOwner && i <= 1;
            if (invoiceFromOwner || (topicIndex == 4 && i == 0 && alias is not null && alias.StartsWith("collections", StringComparison.Ordinal)))
            {
                var number = $"INV-{date:yyyy}-{hash % 100000:D5}";
                var amount = 500 + (decimal)(hash % 2000000) / 100;
                var when = date;
                attachments.Add(new AttachmentSpec($"{number}.pdf", "application/pdf", () => Attachments.PdfInvoice(company.Name, number, amount, when)));
            }
            else if (topicIndex == 6 && i == 0)
            {
                var s = (int)(hash & 0x7fffffff);
                var end = date;
                attachments.Add(rng.NextDouble() < 0.5
                    ? new AttachmentSpec("usage-report.csv", "text/csv", () => Attachments.Csv(s, end))
                    : new AttachmentSpec("usage-report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", () => Attachments.Xlsx(s, end)));
            }
            else if ((topicIndex == 5 && !fromOwner && i == 0) || rng.NextDouble() < 0.04)
            {
                var s = (int)(hash & 0x7fffffff);
                attachments.Add(new AttachmentSpec($"screenshot-{hash % 1000:D3}.png", "image/png", () => Attachments.Png(s)));
            }

            var messageId = MessageIdFor(hash, from.Address);
            var cc = new List<Person>();
            if (ccCustomer is not null)
            {
                cc.Add(ccCustomer);
            }

            if (ccColleague is not null)
            {
                cc.Add(ccColleague);
            }

            var spec = new MessageSpec
            {
                From = from,
                To = [to],
                Cc = [.. cc],
                Bcc = fromOwner && bccOnSent is not null ? [bccOnSent] : [],
                DeliveredTo = fromOwner ? null : c.Owner.Address,
                Subject = i == 0 ? subject : (lang == "pt" ? "RES: " : "Re: ") + subject,
                Body = body.ToString(),
                Html = rng.NextDouble() < 0.5,
                Date = date,
                MessageId = messageId,
                InReplyTo = refs.Count > 0 ? refs[^1] : null,
                References = [.. refs],
                Attachments = [.. attachments],
                Lang = lang,
                Hash = hash,
            };
            var labels = fromOwner
                ? new[] { "SENT" }
                : ReceivedLabels(c, date, "CATEGORY_PERSONAL", rng.NextDouble() < 0.3);
            if (userLabel is not null)
            {
                labels = [.. labels, userLabel];
            }

            AddDraft(c, spec, labels, alias is null ? "customer" : "customer-alias", thread, trash);
            refs.Add(messageId);
            previousBody = spec.Body;
            previousFrom = from;
            previousDate = date;
            date = c.Later(date);
        }
    }

    private static void Newsletter(Ctx c, int thread)
    {
        var rng = c.Rng;
        var name = World.Pick(rng, Vocabulary.Newsletters);
        var domain = World.Slug(name) + ".com";
        var hash = c.NextHash();
        var date = c.RandomStart();
        var issue = hash % 400;
        var spec = new MessageSpec
        {
            From = new Person(name, $"newsletter@{domain}"),
            To = [c.Owner],
            DeliveredTo = c.Owner.Address,
            Subject = $"{name} #{issue}: how top teams cut churn",
            Body = $"This week in {name}: five playbooks to reduce churn, a benchmark of renewal rates and an interview with a VP of Customer Success.\n\nRead online: https://{domain}/issues/{issue}\n\nYou are receiving this because you subscribed. Unsubscribe: https://{domain}/u/{hash:x8}",
            Html = true,
            Date = date,
            MessageId = MessageIdFor(hash, $"newsletter@{domain}"),
            ListUnsubscribe = $"<mailto:unsubscribe@{domain}?subject=unsubscribe>, <https://{domain}/u/{hash:x8}>",
            Lang = "en",
            Hash = hash,
        };
        AddDraft(c, spec, ReceivedLabels(c, date, "CATEGORY_PROMOTIONS", false), "newsletter", thread, rng.NextDouble() < 0.1);
    }

    private static void Automated(Ctx c, int thread)
    {
        var rng = c.Rng;
        var service = World.Pick(rng, Vocabulary.AutomatedServices);
        var hash = c.NextHash();
        var date = c.RandomStart();
        var spec = new MessageSpec
        {
            From = new Person("No Reply", $"noreply@{service}"),
            To = [c.Owner],
            DeliveredTo = c.Owner.Address,
            Subject = $"[Notification] Event {hash % 100000} on {service}",
            Body = $"This is an automated message from {service}. Event {hash % 100000} was recorded at {date:u}.\n\nDo not reply to this email.",
            Date = date,
            MessageId = MessageIdFor(hash, $"noreply@{service}"),
            AutoSubmitted = true,
            Lang = "en",
            Hash = hash,
        };
        AddDraft(c, spec, ReceivedLabels(c, date, "CATEGORY_UPDATES", false), "automated", thread, rng.NextDouble() < 0.05);
    }

    private static void Internal(Ctx c, int thread)
    {
        var rng = c.Rng;
        var colleague = World.Pick(rng, c.World.Colleagues);
        var subject = World.Pick(rng, Vocabulary.InternalSubjects);
        var date = c.RandomStart();
        var refs = new List<string>();
        var length = 1 + Geometric(rng, 0.5, 4);
        var company = World.Pick(rng, c.World.Companies);
        for (var i = 0; i < length; i++)
        {
            var fromOwner = i % 2 == 1;
            var from = fromOwner ? c.Owner : colleague;
            var to = fromOwner ? colleague : c.Owner;
            var hash = c.NextHash();
            var id = MessageIdFor(hash, from.Address);
            var spec = new MessageSpec
            {
                From = from,
                To = [to],
                Cc = rng.NextDouble() < 0.3 ? [World.Pick(rng, c.World.Colleagues)] : [],
                DeliveredTo = fromOwner ? null : c.Owner.Address,
                Subject = i == 0 ? subject : "Re: " + subject,
                Body = $"Hi {FirstName(to.Name)},\n\nQuick note on {subject.ToLowerInvariant()}: {company.Name} needs attention before the renewal.\n\nThanks,\n{from.Name}",
                Date = date,
                MessageId = id,
                InReplyTo = refs.Count > 0 ? refs[^1] : null,
                References = [.. refs],
                Lang = "en",
                Hash = hash,
            };
            AddDraft(c, spec, fromOwner ? ["SENT"] : ReceivedLabels(c, date, "CATEGORY_PERSONAL", rng.NextDouble() < 0.5), "internal", thread, false);
            refs.Add(id);
            date = c.Later(date);
        }
    }

    private static void Personal(Ctx c, int thread)
    {
        var rng = c.Rng;
        var lang = World.Pick(rng, Vocabulary.Languages);
        var first = World.Pick(rng, Vocabulary.FirstNames[lang]);
        var friend = new Person($"{first} {World.Pick(rng, Vocabulary.LastNames[lang])}", $"{World.Slug(first)}{rng.Next(10, 99)}@gmail.com");
        var hash = c.NextHash();
        var date = c.RandomStart();
        var subject = World.Pick(rng, Vocabulary.PersonalSubjects);
        var spec = new MessageSpec
        {
            From = friend,
            To = [c.Owner],
            DeliveredTo = c.Owner.Address,
            Subject = subject,
            Body = $"Hey {FirstName(c.Owner.Name)}!\n\n{subject} Let me know :)\n\n{first}",
            Date = date,
            MessageId = MessageIdFor(hash, friend.Address),
            Attachments = rng.NextDouble() < 0.2 ? [new AttachmentSpec("photo.png", "image/png", () => Attachments.Png((int)(hash & 0x7fffffff), 64, 48))] : [],
            Lang = lang,
            Hash = hash,
        };
        AddDraft(c, spec, ReceivedLabels(c, date, "CATEGORY_PERSONAL", false), "personal", thread, rng.NextDouble() < 0.05);
    }

    private static void Calendar(Ctx c, int thread, Company company)
    {
        var rng = c.Rng;
        var contact = World.Pick(rng, company.Contacts);
        var hash = c.NextHash();
        var date = c.RandomStart();
        var summary = $"{company.Name} / {c.World.OrganizationDomain}: check-in";
        var spec = new MessageSpec
        {
            From = contact,
            To = [c.Owner],
            DeliveredTo = c.Owner.Address,
            Subject = $"Invitation: {summary} @ {date.AddDays(3):ddd MMM d, yyyy}",
            Body = $"{contact.Name} has invited you to: {summary}\n\nWhen: {date.AddDays(3):u}\nJoining info: https://meet.example.com/{hash % 1000000:D6}",
            Date = date,
            MessageId = MessageIdFor(hash, contact.Address),
            Calendar = new CalendarSpec($"{hash:x16}@{company.Domain}", summary, date.AddDays(3)),
            Lang = company.Language,
            Hash = hash,
        };
        AddDraft(c, spec, ReceivedLabels(c, date, "CATEGORY_PERSONAL", true), "calendar", thread, false);
    }

    private static void Spam(Ctx c, int thread)
    {
        var rng = c.Rng;
        var hash = c.NextHash();
        var date = c.RandomStart();
        var domain = $"promo{hash % 997}.biz";
        var spec = new MessageSpec
        {
            From = new Person("Best Deals", $"deals@{domain}"),
            To = [c.Owner],
            DeliveredTo = c.Owner.Address,
            Subject = World.Pick(rng, Vocabulary.SpamSubjects),
            Body = $"Click here to claim: http://{domain}/claim?id={hash:x}",
            Date = date,
            MessageId = MessageIdFor(hash, $"deals@{domain}"),
            Lang = "en",
            Hash = hash,
        };
        AddDraft(c, spec, ["SPAM", "UNREAD"], "spam", thread, false);
    }

    private static string Fill(string template, string product, string company, string competitor) =>
        template.Replace("{p}", product, StringComparison.Ordinal).Replace("{c}", company, StringComparison.Ordinal).Replace("{x}", competitor, StringComparison.Ordinal);

    private static string FirstName(string name) => name.Split(' ')[0];

    private static int Geometric(Random rng, double p, int max)
    {
        var n = 0;
        while (n < max && rng.NextDouble() > p)
        {
            n++;
        }

        return n;
    }

    /// <summary>A hash that is stable across processes (string.GetHashCode is not).</summary>
    public static int HashCode32(int seed, string text)
    {
        unchecked
        {
            var h = 2166136261u ^ (uint)seed;
            foreach (var ch in text)
            {
                h = (h ^ ch) * 16777619u;
            }

            return (int)h;
        }
    }
}
