using EmailSync.GmailEmulator.Control;

namespace EmailSync.Tests.GmailEmulator;

/// <summary>Every supported operator of Gmail's q, against a mailbox of crafted messages with a known answer.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class SearchTests(EmulatorFixture fx) : IAsyncLifetime
{
    private string box = "";
    private string token = "";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        box = await fx.NewMailboxAsync("search");
        static SimpleAttachment Att(string name, string type) => new(name, type, Convert.ToBase64String("%PDF-1.4 test"u8.ToArray()));
        static long At(int y, int m, int d) => new DateTimeOffset(y, m, d, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        async Task<string> Add(DeliverRequest r) => (await fx.Control.DeliverMessageAsync(box, r)).Id;

        await Add(new DeliverRequest { From = "Carla Diaz <carla@acme.com>", To = [box], Cc = ["dan@acme.com"], Subject = "Renewal plan", Body = "We want to cancel the old plan.", Attachments = [Att("invoice-77.pdf", "application/pdf")], InternalDate = At(2026, 1, 10), LabelIds = ["INBOX", "UNREAD", "IMPORTANT"] });
        await Add(new DeliverRequest { From = "lucia@mail.tecnova.es", To = [box], Subject = "Cancelación del contrato", Body = "Queremos cancelar el servicio. Cotizamos con Gainsight.", InternalDate = At(2026, 2, 15), LabelIds = ["INBOX", "STARRED"] });
        await Add(new DeliverRequest { From = "eve@northwind-cs.com", To = [box], Subject = "Lunch", Body = "Pizza on Friday?", InternalDate = At(2026, 3, 1), LabelIds = ["INBOX"] });
        await Add(new DeliverRequest { From = box, To = ["carla@acme.com"], Bcc = ["crm@northwind-cs.com"], Subject = "Re: Renewal plan", Body = "Let us set up a quarterly business review.", InternalDate = At(2026, 3, 5), LabelIds = ["SENT"] });
        await Add(new DeliverRequest { From = "noreply@reports.io", To = ["success@northwind-cs.com"], Subject = "Usage report", Body = "Your weekly usage.", Attachments = [Att("usage.csv", "text/csv")], InternalDate = At(2026, 4, 1), LabelIds = ["INBOX", "CATEGORY_UPDATES"] });
        await Add(new DeliverRequest { From = "spam@promo.biz", To = [box], Subject = "Win a prize", Body = "Click", InternalDate = At(2026, 4, 2), LabelIds = ["SPAM"] });
        await Add(new DeliverRequest { From = "carla@acme.com", To = [box], Subject = "Old thing", Body = "Ignore", InternalDate = At(2026, 4, 3), LabelIds = ["TRASH"] });
        var photo = await Add(new DeliverRequest { From = "Friend <friend@gmail.com>", To = [box], Subject = "Photo", Body = "Look at this", Attachments = [Att("photo.png", "image/png")], InternalDate = At(2026, 4, 5), LabelIds = ["INBOX"] });
        await fx.Control.ModifyLabelsAsync(box, photo, ["Family"], null);
        await Add(new DeliverRequest { From = "joao@rio.com.br", To = [box], Subject = "Pedido", Body = "Solicitamos o cancelamento da conta.", InternalDate = Now.AddDays(-2).ToUnixTimeMilliseconds(), LabelIds = ["INBOX"] });
        token = await fx.TokenAsync(box);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string[]> Q(string q)
    {
        var json = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=500&q=" + Uri.EscapeDataString(q));
        if (!json.TryGetProperty("messages", out var messages))
        {
            return [];
        }

        var truth = (await fx.Control.GetMessagesAsync(box)).ToDictionary(m => m.Id, m => m.Subject);
        return messages.EnumerateArray().Select(m => truth[m.GetProperty("id").GetString()!]).Order(StringComparer.Ordinal).ToArray();
    }

    private async Task Expect(string q, params string[] subjects) =>
        Assert.True(subjects.Order(StringComparer.Ordinal).SequenceEqual(await Q(q)), $"q={q}: expected [{string.Join(", ", subjects.Order(StringComparer.Ordinal))}] got [{string.Join(", ", await Q(q))}]");

    [Theory]
    [InlineData("from:carla@acme.com", "Renewal plan")]
    [InlineData("from:acme.com", "Renewal plan")]
    [InlineData("from:@acme.com", "Renewal plan")]
    [InlineData("from:tecnova.es", "Cancelación del contrato")]
    [InlineData("from:carla", "Renewal plan")]
    [InlineData("from:\"Carla Diaz\"", "Renewal plan")]
    [InlineData("from:me", "Re: Renewal plan")]
    [InlineData("to:carla@acme.com", "Re: Renewal plan")]
    [InlineData("to:success@northwind-cs.com", "Usage report")]
    [InlineData("to:dan@acme.com", "Renewal plan")]
    [InlineData("to:crm@northwind-cs.com", "Re: Renewal plan")]
    [InlineData("cc:dan@acme.com", "Renewal plan")]
    [InlineData("cc:acme.com", "Renewal plan")]
    [InlineData("bcc:crm@northwind-cs.com", "Re: Renewal plan")]
    [InlineData("bcc:crm", "Re: Renewal plan")]
    public Task AddressOperators_MatchWholeAddressLocalPartDomainAndName(string q, params string[] expected) => Expect(q, expected);

    [Fact]
    public async Task DeliveredTo_MatchesEveryReceivedMessage() =>
        await Expect($"deliveredto:{box}", "Renewal plan", "Cancelación del contrato", "Lunch", "Usage report", "Photo", "Pedido");

    [Theory]
    [InlineData("subject:renewal", "Renewal plan", "Re: Renewal plan")]
    [InlineData("subject:\"renewal plan\"", "Renewal plan", "Re: Renewal plan")]
    [InlineData("subject:(usage report)", "Usage report")]
    [InlineData("subject:cancelacion", "Cancelación del contrato")]
    public Task Subject_MatchesWordsAndPhrases(string q, params string[] expected) => Expect(q, expected);

    [Theory]
    [InlineData("after:2026/02/01 before:2026/03/03", "Cancelación del contrato", "Lunch")]
    [InlineData("after:2026-04-04 before:2026/05/01", "Photo")]
    [InlineData("before:2026/01/11", "Renewal plan")]
    public Task AfterBefore_AcceptDates(string q, params string[] expected) => Expect(q, expected);

    [Fact]
    public async Task AfterBefore_AcceptEpochSeconds()
    {
        var from = new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var to = new DateTimeOffset(2026, 4, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        await Expect($"after:{from} before:{to}", "Re: Renewal plan", "Usage report");
    }

    [Theory]
    [InlineData("newer_than:7d", "Pedido")]
    [InlineData("newer_than:1m", "Pedido")]
    [InlineData("newer_than:2y", "Renewal plan", "Cancelación del contrato", "Lunch", "Re: Renewal plan", "Usage report", "Photo", "Pedido")]
    [InlineData("older_than:7d subject:renewal", "Renewal plan", "Re: Renewal plan")]
    public Task NewerOlderThan_UseDaysMonthsYears(string q, params string[] expected) => Expect(q, expected);

    [Theory]
    [InlineData("has:attachment", "Renewal plan", "Usage report", "Photo")]
    [InlineData("filename:pdf", "Renewal plan")]
    [InlineData("filename:usage.csv", "Usage report")]
    [InlineData("filename:photo", "Photo")]
    [InlineData("has:userlabels", "Photo")]
    public Task Attachments_AndFilenames(string q, params string[] expected) => Expect(q, expected);

    [Theory]
    [InlineData("in:inbox", "Renewal plan", "Cancelación del contrato", "Lunch", "Usage report", "Photo", "Pedido")]
    [InlineData("in:sent", "Re: Renewal plan")]
    [InlineData("in:spam", "Win a prize")]
    [InlineData("in:trash", "Old thing")]
    [InlineData("in:anywhere from:carla@acme.com", "Renewal plan", "Old thing")]
    [InlineData("label:family", "Photo")]
    [InlineData("label:Family", "Photo")]
    [InlineData("label:important", "Renewal plan")]
    [InlineData("is:unread", "Renewal plan")]
    [InlineData("is:starred", "Cancelación del contrato")]
    [InlineData("is:important", "Renewal plan")]
    [InlineData("is:read in:inbox -has:attachment", "Cancelación del contrato", "Lunch", "Pedido")]
    [InlineData("category:updates", "Usage report")]
    public Task LabelsAndStates(string q, params string[] expected) => Expect(q, expected);

    [Theory]
    [InlineData("cancel", "Renewal plan")]
    [InlineData("cancelar", "Cancelación del contrato")]
    [InlineData("cancelamento", "Pedido")]
    [InlineData("CANCELAMENTO", "Pedido")]
    [InlineData("gainsight", "Cancelación del contrato")]
    [InlineData("\"old plan\"", "Renewal plan")]
    [InlineData("\"plan old\"")]
    [InlineData("quarterly business review", "Re: Renewal plan")]
    public Task BareWordsAndPhrases_MatchWholeWords(string q, params string[] expected) => Expect(q, expected);

    [Theory]
    [InlineData("-from:acme.com has:attachment", "Usage report", "Photo")]
    [InlineData("from:acme.com OR from:gmail.com", "Renewal plan", "Photo")]
    [InlineData("{from:acme.com from:gmail.com}", "Renewal plan", "Photo")]
    [InlineData("from:(carla@acme.com OR friend@gmail.com)", "Renewal plan", "Photo")]
    [InlineData("from:{carla@acme.com friend@gmail.com}", "Renewal plan", "Photo")]
    [InlineData("(cancel OR cancelar OR cancelamento) -subject:renewal", "Cancelación del contrato", "Pedido")]
    [InlineData("-(in:inbox)", "Re: Renewal plan")]
    [InlineData("-{in:inbox in:sent}")]
    [InlineData("has:attachment -{filename:pdf filename:png}", "Usage report")]
    [InlineData("from:acme.com OR from:gmail.com has:attachment -filename:png", "Renewal plan")]
    public Task NegationOrGroupsAndParentheses(string q, params string[] expected) => Expect(q, expected);

    [Theory]
    [InlineData("list:info@example.com")]
    [InlineData("has:drive")]
    [InlineData("is:muted")]
    [InlineData("older_than:3w")]
    [InlineData("after:yesterday")]
    [InlineData("(cancel")]
    [InlineData("cancel)")]
    [InlineData("from:")]
    [InlineData("OR cancel")]
    public async Task UnsupportedOrMalformed_Is400WithClearMessage(string q)
    {
        var (status, json, _) = await fx.GetAsync(token, "gmail/v1/users/me/messages?q=" + Uri.EscapeDataString(q));
        Assert.Equal(400, status);
        Assert.Equal("INVALID_ARGUMENT", json.GetProperty("error").GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task GeneratedCorpus_DomainSearchEqualsGroundTruth()
    {
        var alexToken = await fx.TokenAsync(EmulatorFixture.Alex);
        var corpus = await fx.Control.GetCorpusAsync();
        var truth = await fx.Control.GetMessagesAsync(EmulatorFixture.Alex);
        foreach (var company in corpus.Companies.Take(4))
        {
            var expected = truth
                .Where(m => !m.LabelIds.Contains("SPAM") && !m.LabelIds.Contains("TRASH"))
                .Where(m => new[] { m.From }.Concat(m.To).Concat(m.Cc).Any(a => a.EndsWith("@" + company.Domain, StringComparison.Ordinal)))
                .Select(m => m.Id).ToList();
            var q = Uri.EscapeDataString($"{{from:{company.Domain} to:{company.Domain} cc:{company.Domain}}}");
            var actual = new List<string>();
            string? page = null;
            do
            {
                var json = await fx.GetOkAsync(alexToken, $"gmail/v1/users/me/messages?maxResults=100&q={q}" + (page is null ? "" : "&pageToken=" + page));
                if (json.TryGetProperty("messages", out var ms))
                {
                    actual.AddRange(ms.EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
                }

                page = json.TryGetProperty("nextPageToken", out var p) ? p.GetString() : null;
            }
            while (page is not null);

            Assert.Equal(expected, actual);
        }
    }
}
