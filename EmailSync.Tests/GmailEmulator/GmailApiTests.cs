using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EmailSync.GmailEmulator.Control;
using EmailSync.GmailEmulator.Model;

namespace EmailSync.Tests.GmailEmulator;

[Collection(EmulatorCollection.Name)]
public sealed class GmailApiTests(EmulatorFixture fx)
{
    private static string B64(byte[] b) => Convert.ToBase64String(b).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    [Fact]
    public async Task Profile_ReportsCountsAndHistoryIdAsString()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var p = await fx.GetOkAsync(token, "gmail/v1/users/me/profile");
        Assert.Equal(EmulatorFixture.Alex, p.GetProperty("emailAddress").GetString());
        Assert.Equal(JsonValueKind.Number, p.GetProperty("messagesTotal").ValueKind);
        Assert.Equal(JsonValueKind.String, p.GetProperty("historyId").ValueKind);
        var truth = await fx.Control.GetMessagesAsync(EmulatorFixture.Alex);
        Assert.Equal(truth.Length, p.GetProperty("messagesTotal").GetInt32());
    }

    [Fact]
    public async Task Labels_ListsSystemAndUserLabels()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var labels = (await fx.GetOkAsync(token, "gmail/v1/users/me/labels")).GetProperty("labels").EnumerateArray().ToArray();
        Assert.Contains(labels, l => l.GetProperty("id").GetString() == "INBOX" && l.GetProperty("type").GetString() == "system");
        Assert.Contains(labels, l => l.GetProperty("id").GetString()!.StartsWith("Label_", StringComparison.Ordinal) && l.GetProperty("type").GetString() == "user");
    }

    [Fact]
    public async Task List_PagesNewestFirst_WithoutOverlap_AndExcludesSpamTrash()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Bianca);
        var ids = new List<string>();
        string? pageToken = null;
        var pages = 0;
        do
        {
            var page = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=250" + (pageToken is null ? "" : "&pageToken=" + pageToken));
            ids.AddRange(page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            pageToken = page.TryGetProperty("nextPageToken", out var t) ? t.GetString() : null;
            pages++;
        }
        while (pageToken is not null);

        var truth = await fx.Control.GetMessagesAsync(EmulatorFixture.Bianca);
        var expected = truth.Where(m => !m.LabelIds.Contains("SPAM") && !m.LabelIds.Contains("TRASH")).Select(m => m.Id).ToList();
        Assert.Equal(expected, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(pages >= 3);
        Assert.True(truth.Length > expected.Count, "the corpus holds spam or trash");
        var dates = ids.Select(id => truth.Single(t => t.Id == id).InternalDate).ToList();
        Assert.Equal(dates.OrderByDescending(d => d), dates);

        var withSpam = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=500&includeSpamTrash=true");
        Assert.Equal(truth.Length, withSpam.GetProperty("resultSizeEstimate").GetInt32());
    }

    [Fact]
    public async Task List_EmptyResult_HasOnlyResultSizeEstimate()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var (status, json, response) = await fx.GetAsync(token, "gmail/v1/users/me/messages?q=" + Uri.EscapeDataString("subject:zzzznothingmatches"));
        Assert.Equal(200, status);
        Assert.Equal("{\"resultSizeEstimate\":0}", (await response.Content.ReadAsStringAsync()).Replace(" ", ""));
        Assert.False(json.TryGetProperty("messages", out _));
    }

    [Fact]
    public async Task List_LabelIds_RequiresAllLabels()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var page = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=500&labelIds=INBOX&labelIds=UNREAD");
        var truth = (await fx.Control.GetMessagesAsync(EmulatorFixture.Alex)).ToDictionary(m => m.Id);
        var ids = page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(truth[id].LabelIds.Contains("INBOX") && truth[id].LabelIds.Contains("UNREAD")));
        Assert.Equal(truth.Values.Count(m => m.LabelIds.Contains("INBOX") && m.LabelIds.Contains("UNREAD")), ids.Count);
    }

    [Fact]
    public async Task Get_EveryFormat_HasGoogleShapes()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var truth = await fx.Control.GetMessagesAsync(EmulatorFixture.Alex);
        var target = truth.First(m => m.Filenames.Any(f => f.EndsWith(".pdf", StringComparison.Ordinal)));

        var minimal = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{target.Id}?format=minimal");
        Assert.Equal(target.ThreadId, minimal.GetProperty("threadId").GetString());
        Assert.Equal(target.InternalDate.ToString(System.Globalization.CultureInfo.InvariantCulture), minimal.GetProperty("internalDate").GetString());
        Assert.False(minimal.TryGetProperty("payload", out _));
        Assert.False(minimal.TryGetProperty("raw", out _));

        var metadata = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{target.Id}?format=metadata&metadataHeaders=From&metadataHeaders=subject");
        var headers = metadata.GetProperty("payload").GetProperty("headers").EnumerateArray().Select(h => h.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["From", "Subject"], headers);
        Assert.False(metadata.GetProperty("payload").TryGetProperty("parts", out _));

        var full = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{target.Id}");
        var payload = full.GetProperty("payload");
        Assert.Equal("multipart/mixed", payload.GetProperty("mimeType").GetString());
        Assert.Equal("", payload.GetProperty("partId").GetString());
        var parts = payload.GetProperty("parts").EnumerateArray().ToArray();
        Assert.Equal("0", parts[0].GetProperty("partId").GetString());
        var pdf = parts.Single(p => p.GetProperty("filename").GetString()!.EndsWith(".pdf", StringComparison.Ordinal));
        Assert.Equal("application/pdf", pdf.GetProperty("mimeType").GetString());
        Assert.True(pdf.GetProperty("body").TryGetProperty("attachmentId", out _));
        Assert.False(pdf.GetProperty("body").TryGetProperty("data", out _));

        var raw = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{target.Id}?format=raw");
        var rawText = raw.GetProperty("raw").GetString()!;
        Assert.Equal(0, rawText.Length % 4); // padded
        var bytes = Base64Url.Decode(rawText);
        Assert.Equal(raw.GetProperty("sizeEstimate").GetInt32(), bytes.Length);
        Assert.Contains("Subject:", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attachments_ReturnExactBytes_AndIdsChangeBetweenCalls()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var truth = await fx.Control.GetMessagesAsync(EmulatorFixture.Alex);
        var target = truth.First(m => m.Filenames.Any(f => f.EndsWith(".pdf", StringComparison.Ordinal)));
        string AttachmentId(JsonElement msg) => msg.GetProperty("payload").GetProperty("parts").EnumerateArray()
            .Single(p => p.GetProperty("filename").GetString()!.EndsWith(".pdf", StringComparison.Ordinal)).GetProperty("body").GetProperty("attachmentId").GetString()!;

        var first = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{target.Id}");
        var second = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{target.Id}");
        Assert.NotEqual(AttachmentId(first), AttachmentId(second));

        var att = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{target.Id}/attachments/{AttachmentId(second)}");
        var data = att.GetProperty("data").GetString()!;
        Assert.DoesNotContain("=", data, StringComparison.Ordinal); // unpadded
        var pdf = Base64Url.Decode(data);
        Assert.Equal(att.GetProperty("size").GetInt32(), pdf.Length);
        Assert.StartsWith("%PDF-1.4", Encoding.ASCII.GetString(pdf), StringComparison.Ordinal);
        Assert.Contains("%%EOF", Encoding.ASCII.GetString(pdf), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Threads_GetReturnsMessagesInOrder_AndThreadIdIsFirstMessageId()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var truth = await fx.Control.GetMessagesAsync(EmulatorFixture.Alex);
        var thread = truth.GroupBy(m => m.ThreadId).First(g => g.Count() >= 3);
        var json = await fx.GetOkAsync(token, $"gmail/v1/users/me/threads/{thread.Key}?format=metadata&metadataHeaders=Message-ID&metadataHeaders=In-Reply-To");
        var ids = json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.Equal(thread.OrderBy(m => m.InternalDate).Select(m => m.Id).ToList(), ids);
        Assert.Equal(thread.Key, ids[0]);
        var second = json.GetProperty("messages")[1].GetProperty("payload").GetProperty("headers").EnumerateArray()
            .Single(h => h.GetProperty("name").GetString() == "In-Reply-To").GetProperty("value").GetString();
        var firstId = json.GetProperty("messages")[0].GetProperty("payload").GetProperty("headers").EnumerateArray()
            .Single(h => h.GetProperty("name").GetString()!.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)).GetProperty("value").GetString();
        Assert.Equal(firstId, second);

        var list = await fx.GetOkAsync(token, "gmail/v1/users/me/threads?maxResults=10");
        Assert.Equal(10, list.GetProperty("threads").GetArrayLength());
        Assert.True(list.TryGetProperty("nextPageToken", out _));
        var raw = await fx.GetAsync(token, $"gmail/v1/users/me/threads/{thread.Key}?format=raw");
        Assert.Equal(400, raw.Status);
    }

    [Fact]
    public async Task History_RecordsAddLabelAndDelete_AndExpiresTo404()
    {
        var box = await fx.NewMailboxAsync("history", messages: 20);
        var token = await fx.TokenAsync(box);
        var start = (await fx.GetOkAsync(token, "gmail/v1/users/me/profile")).GetProperty("historyId").GetString()!;
        var none = await fx.GetOkAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}");
        Assert.False(none.TryGetProperty("history", out _));
        Assert.Equal(start, none.GetProperty("historyId").GetString());

        var added = await fx.Control.DeliverMessageAsync(box, new DeliverRequest { From = "bob@acme.com", Subject = "New order", Body = "Hello" });
        await fx.Control.ModifyLabelsAsync(box, added.Id, ["STARRED"], ["UNREAD"]);
        await fx.Control.DeleteMessageAsync(box, added.Id);

        var h = await fx.GetOkAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}");
        var records = h.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(4, records.Length);
        Assert.Equal(added.Id, records[0].GetProperty("messagesAdded")[0].GetProperty("message").GetProperty("id").GetString());
        Assert.Equal("STARRED", records[1].GetProperty("labelsAdded")[0].GetProperty("labelIds")[0].GetString());
        Assert.Equal("UNREAD", records[2].GetProperty("labelsRemoved")[0].GetProperty("labelIds")[0].GetString());
        Assert.True(records[3].TryGetProperty("messagesDeleted", out _));
        var recordIds = records.Select(r => long.Parse(r.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(recordIds.Order(), recordIds);
        Assert.Equal(added.HistoryId, records[0].GetProperty("id").GetString());

        var onlyAdded = await fx.GetOkAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}&historyTypes=messageAdded");
        Assert.Single(onlyAdded.GetProperty("history").EnumerateArray());

        var paged = await fx.GetOkAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}&maxResults=3");
        Assert.Equal(3, paged.GetProperty("history").GetArrayLength());
        var rest = await fx.GetOkAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}&maxResults=3&pageToken={paged.GetProperty("nextPageToken").GetString()}");
        Assert.Single(rest.GetProperty("history").EnumerateArray());

        var missing = await fx.GetAsync(token, "gmail/v1/users/me/history");
        Assert.Equal(400, missing.Status);

        await fx.Control.ExpireHistoryAsync(box);
        var stale = await fx.GetAsync(token, $"gmail/v1/users/me/history?startHistoryId={start}");
        Assert.Equal(404, stale.Status);
        Assert.Equal("notFound", stale.Json.GetProperty("error").GetProperty("errors")[0].GetProperty("reason").GetString());
        Assert.Equal("Requested entity was not found.", stale.Json.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Errors_UseGoogleShape()
    {
        var (status, json, response) = await fx.GetAsync("ya29.bogus", "gmail/v1/users/me/profile");
        Assert.Equal(401, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var error = json.GetProperty("error");
        Assert.Equal(401, error.GetProperty("code").GetInt32());
        Assert.Equal("UNAUTHENTICATED", error.GetProperty("status").GetString());
        Assert.Equal("authError", error.GetProperty("errors")[0].GetProperty("reason").GetString());
        Assert.Equal("Authorization", error.GetProperty("errors")[0].GetProperty("location").GetString());

        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var notFound = await fx.GetAsync(token, "gmail/v1/users/me/messages/ffffffffffffffff");
        Assert.Equal(404, notFound.Status);
        Assert.Equal("NOT_FOUND", notFound.Json.GetProperty("error").GetProperty("status").GetString());

        var other = await fx.GetAsync(token, $"gmail/v1/users/{EmulatorFixture.Bianca}/profile");
        Assert.Equal(403, other.Status);
        var alias = await fx.GetAsync(token, "gmail/v1/users/success@northwind-cs.com/profile");
        Assert.Equal(200, alias.Status);
    }

    [Fact]
    public async Task MetadataScope_RefusesQueryFullAndRaw()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex, EmulatorFixture.Metadata, EmulatorFixture.Readonly);
        var id = (await fx.Control.GetMessagesAsync(EmulatorFixture.Alex))[0].Id;
        Assert.Equal(403, (await fx.GetAsync(token, "gmail/v1/users/me/messages?q=from:acme.com")).Status);
        Assert.Equal(403, (await fx.GetAsync(token, $"gmail/v1/users/me/messages/{id}?format=full")).Status);
        Assert.Equal(403, (await fx.GetAsync(token, $"gmail/v1/users/me/messages/{id}?format=raw")).Status);
        Assert.Equal(200, (await fx.GetAsync(token, $"gmail/v1/users/me/messages/{id}?format=metadata")).Status);
        var sendOnly = await fx.TokenAsync(EmulatorFixture.Alex, EmulatorFixture.Send);
        var refused = await fx.GetAsync(sendOnly, "gmail/v1/users/me/messages");
        Assert.Equal(403, refused.Status);
        Assert.Equal("insufficientPermissions", refused.Json.GetProperty("error").GetProperty("errors")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Fields_SelectsPartialResponse()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        var list = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=2&fields=" + Uri.EscapeDataString("messages/id,nextPageToken"));
        Assert.Equal(["messages", "nextPageToken"], list.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["id"], list.GetProperty("messages")[0].EnumerateObject().Select(p => p.Name).ToArray());
        var id = list.GetProperty("messages")[0].GetProperty("id").GetString();
        var msg = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{id}?format=full&fields=" + Uri.EscapeDataString("id,payload(mimeType,headers)"));
        Assert.Equal(["id", "payload"], msg.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["mimeType", "headers"], msg.GetProperty("payload").EnumerateObject().Select(p => p.Name).ToArray());
        var star = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{id}?format=minimal&fields=*");
        Assert.True(star.TryGetProperty("labelIds", out _));
    }

    [Fact]
    public async Task MethodOverride_PostWithFormBody_ActsAsGet()
    {
        var token = await fx.TokenAsync(EmulatorFixture.Alex);
        using var request = new HttpRequestMessage(HttpMethod.Post, "gmail/v1/users/me/messages?maxResults=3")
        {
            Content = new FormUrlEncodedContent([new("q", "has:attachment"), new("labelIds", "INBOX")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-HTTP-Method-Override", "GET");
        using var response = await fx.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var expected = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=3&q=has:attachment&labelIds=INBOX");
        Assert.Equal(expected.GetProperty("messages").ToString(), json.GetProperty("messages").ToString());
    }

    [Fact]
    public async Task Send_AppliesSent_AndThreadsOnlyWhenThreadIdReferencesAndSubjectAgree()
    {
        var box = await fx.NewMailboxAsync("sender");
        var incoming = await fx.Control.DeliverMessageAsync(box, new DeliverRequest { From = "Carla <carla@acme.com>", To = [box], Subject = "Pricing question", Body = "How much?" });
        var token = await fx.TokenAsync(box, EmulatorFixture.Send, EmulatorFixture.Readonly);
        var original = await fx.GetOkAsync(token, $"gmail/v1/users/me/messages/{incoming.Id}?format=metadata&metadataHeaders=Message-ID");
        var messageId = original.GetProperty("payload").GetProperty("headers")[0].GetProperty("value").GetString()!;

        string Reply(string subject, bool refs) =>
            $"From: {box}\r\nTo: carla@acme.com\r\nSubject: {subject}\r\n" + (refs ? $"In-Reply-To: {messageId}\r\nReferences: {messageId}\r\n" : "") + "\r\nThanks!\r\n";

        async Task<JsonElement> SendAsync(string raw, string? threadId)
        {
            var body = JsonSerializer.Serialize(new { raw = B64(Encoding.UTF8.GetBytes(raw)), threadId });
            using var request = new HttpRequestMessage(HttpMethod.Post, "gmail/v1/users/me/messages/send") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await fx.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        var threaded = await SendAsync(Reply("Re: Pricing question", refs: true), incoming.ThreadId);
        Assert.Equal(incoming.ThreadId, threaded.GetProperty("threadId").GetString());
        Assert.Equal(["SENT"], threaded.GetProperty("labelIds").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.NotEqual(incoming.ThreadId, (await SendAsync(Reply("Re: Something else", refs: true), incoming.ThreadId)).GetProperty("threadId").GetString());
        Assert.NotEqual(incoming.ThreadId, (await SendAsync(Reply("Re: Pricing question", refs: false), incoming.ThreadId)).GetProperty("threadId").GetString());
        Assert.NotEqual(incoming.ThreadId, (await SendAsync(Reply("Re: Pricing question", refs: true), null)).GetProperty("threadId").GetString());

        using var upload = new HttpRequestMessage(HttpMethod.Post, "upload/gmail/v1/users/me/messages/send?uploadType=media")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Reply("Upload form", refs: false))),
        };
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var uploaded = await fx.Http.SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);

        var sent = (await fx.Control.GetMessagesAsync(box)).Where(m => m.LabelIds.Contains("SENT")).ToArray();
        Assert.Equal(5, sent.Length);
        var readonlyToken = await fx.TokenAsync(box, EmulatorFixture.Readonly);
        using var refused = new HttpRequestMessage(HttpMethod.Post, "gmail/v1/users/me/messages/send") { Content = new StringContent("{\"raw\":\"eA\"}", Encoding.UTF8, "application/json") };
        refused.Headers.Authorization = new AuthenticationHeaderValue("Bearer", readonlyToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Http.SendAsync(refused)).StatusCode);
    }

    [Fact]
    public async Task Faults_FailNextCalls_ThenRecover()
    {
        var box = await fx.NewMailboxAsync("faults", messages: 5);
        var token = await fx.TokenAsync(box);
        await fx.Control.InjectFaultAsync("messages.list", 2, status: 503, mailbox: box);
        var first = await fx.GetAsync(token, "gmail/v1/users/me/messages");
        Assert.Equal(503, first.Status);
        Assert.Equal("backendError", first.Json.GetProperty("error").GetProperty("errors")[0].GetProperty("reason").GetString());
        Assert.Equal(503, (await fx.GetAsync(token, "gmail/v1/users/me/messages")).Status);
        Assert.Equal(200, (await fx.GetAsync(token, "gmail/v1/users/me/messages")).Status);

        await fx.Control.InjectFaultAsync("messages.list", 1, drop: true, mailbox: box);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => fx.GetAsync(token, "gmail/v1/users/me/messages"));

        await fx.Control.InjectFaultAsync("users.getProfile", 1, status: 429, mailbox: box);
        var limited = await fx.GetAsync(token, "gmail/v1/users/me/profile");
        Assert.Equal(429, limited.Status);
        Assert.NotNull(limited.Response.Headers.RetryAfter);

        await fx.Control.InjectFaultAsync("getProfile", 1, latencyMs: 300, mailbox: box);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(200, (await fx.GetAsync(token, "gmail/v1/users/me/profile")).Status);
        Assert.True(watch.ElapsedMilliseconds >= 280);
    }

    [Fact]
    public async Task Control_RevokeAllTokens_Makes401()
    {
        var box = await fx.NewMailboxAsync("revoke");
        var token = await fx.TokenAsync(box);
        Assert.Equal(200, (await fx.GetAsync(token, "gmail/v1/users/me/profile")).Status);
        await fx.Control.RevokeAllTokensAsync(box);
        Assert.Equal(401, (await fx.GetAsync(token, "gmail/v1/users/me/profile")).Status);
    }

    [Fact]
    public async Task HostApp_StillServesItsOwnPaths_OutsideThePrefix()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fx.Root.GetLeftPart(UriPartial.Authority)) };
        Assert.Equal("host app", await client.GetStringAsync("/token"));
        Assert.Equal("host app", await client.GetStringAsync("/gmail/v1/users/me/profile"));
    }

    [Fact]
    public async Task List_PageTokens_SurviveNewAndDeletedMailBetweenPages()
    {
        var box = await fx.NewMailboxAsync("cursor", messages: 40);
        var token = await fx.TokenAsync(box);
        var before = (await fx.Control.GetMessagesAsync(box)).Where(m => !m.LabelIds.Contains("SPAM") && !m.LabelIds.Contains("TRASH")).Select(m => m.Id).ToList();
        var page1 = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=10");
        var ids = page1.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        await fx.Control.DeliverMessageAsync(box, new DeliverRequest { From = "new@acme.com", Subject = "Arrived meanwhile", Body = "x" });
        await fx.Control.DeleteMessageAsync(box, ids[2]);
        string? next = page1.GetProperty("nextPageToken").GetString();
        while (next is not null)
        {
            var page = await fx.GetOkAsync(token, "gmail/v1/users/me/messages?maxResults=10&pageToken=" + next);
            ids.AddRange(page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            next = page.TryGetProperty("nextPageToken", out var t) ? t.GetString() : null;
        }

        Assert.Equal(before, ids);
        Assert.Equal(400, (await fx.GetAsync(token, "gmail/v1/users/me/messages?pageToken=garbage")).Status);
    }
}
