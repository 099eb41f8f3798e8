using System.Diagnostics;
using System.Text.Json;

namespace EmailSync.Tests.GmailEmulator;

/// <summary>
/// Google's official Node.js client (@googleapis/gmail, pinned in node/package-lock.json) against the
/// emulator mounted under /google: a client written by others must agree with ours.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class NodeConformanceTests(EmulatorFixture fx)
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private static string NodeFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "EmailSync.Tests", "GmailEmulator", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("EmailSync.Tests/GmailEmulator/node not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string folder, string file, string args, IDictionary<string, string>? env, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {args} did not finish in {timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task EnsureInstalledAsync(string folder)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(folder, "node_modules", "@googleapis", "gmail")))
            {
                return;
            }

            var (exit, stdout, stderr) = await RunAsync(folder, "npm", "ci --no-audit --no-fund --loglevel=error", null, TimeSpan.FromMinutes(5));
            Assert.True(exit == 0, $"npm ci failed ({exit}): {stdout}\n{stderr}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    [Fact]
    public async Task OfficialNodeClient_AgreesWithEmulator()
    {
        var folder = NodeFolder();
        await EnsureInstalledAsync(folder);
        var box = await fx.NewMailboxAsync("node", messages: 120);
        var token = await fx.TokenAsync(box, EmulatorFixture.Readonly, EmulatorFixture.Send);
        var truth = await fx.Control.GetMessagesAsync(box);

        var (exit, stdout, stderr) = await RunAsync(folder, "node", "conformance.js", new Dictionary<string, string>
        {
            ["EMULATOR_ROOT"] = fx.Root.ToString(),
            ["TOKEN"] = token,
            ["MAILBOX"] = box,
        }, TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, $"node conformance.js failed ({exit}): {stderr}");
        var o = JsonDocument.Parse(stdout).RootElement;
        string[] Ids(string name) => o.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

        Assert.Equal(box, o.GetProperty("profile").GetProperty("emailAddress").GetString());
        Assert.Equal(truth.Length, o.GetProperty("profile").GetProperty("messagesTotal").GetInt32());

        // list with q and pagination: two pages, newest first, no overlap, exactly the expected set
        var visible = truth.Where(m => !m.LabelIds.Contains("SPAM") && !m.LabelIds.Contains("TRASH")).ToArray();
        var expected = visible.Where(m => m.Filenames.Count > 0 || m.LabelIds.Contains("SENT")).Select(m => m.Id).ToArray();
        Assert.Equal(expected.Take(8).ToArray(), Ids("page1").Concat(Ids("page2")).ToArray());
        Assert.True(o.GetProperty("page1HasNext").GetBoolean());
        Assert.Equal(expected.Length, o.GetProperty("resultSizeEstimate").GetInt32());
        Assert.Equal(visible.Where(m => m.LabelIds.Contains("INBOX") && m.LabelIds.Contains("UNREAD")).Select(m => m.Id).ToArray(), Ids("labelFiltered"));

        // every format
        var target = truth.Single(m => m.Id == o.GetProperty("attachmentMessageId").GetString());
        Assert.Equal(["historyId", "id", "internalDate", "labelIds", "sizeEstimate", "snippet", "threadId"], o.GetProperty("minimal").GetProperty("keys").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(target.InternalDate.ToString(System.Globalization.CultureInfo.InvariantCulture), o.GetProperty("minimal").GetProperty("internalDate").GetString());
        Assert.Equal("string", o.GetProperty("minimal").GetProperty("historyIdType").GetString());
        Assert.Equal(["From", "Subject"], Ids("metadataHeaders"));
        var parts = o.GetProperty("fullParts").EnumerateArray().ToArray();
        Assert.Equal("", parts[0].GetProperty("partId").GetString());
        Assert.Equal(target.Filenames.Order().ToArray(), parts.Where(p => p.GetProperty("filename").GetString() != "").Select(p => p.GetProperty("filename").GetString()!).Order().ToArray());
        Assert.Equal(o.GetProperty("sizeEstimate").GetInt32(), o.GetProperty("rawBytes").GetInt32());
        var att = o.GetProperty("attachment");
        Assert.Equal(att.GetProperty("expected").GetInt32(), att.GetProperty("size").GetInt32());
        Assert.Equal(att.GetProperty("expected").GetInt32(), att.GetProperty("decoded").GetInt32());
        Assert.Equal(["id", "labelIds"], Ids("fieldsKeys"));

        // threads
        var thread = o.GetProperty("thread");
        Assert.Equal(truth.Where(m => m.ThreadId == thread.GetProperty("id").GetString()).OrderBy(m => m.InternalDate).Select(m => m.Id).ToArray(),
            thread.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(3, Ids("threadIds").Length);

        // history after delivering mail
        var delivered = o.GetProperty("delivered").GetProperty("id").GetString();
        Assert.Equal([delivered!], o.GetProperty("history").GetProperty("added").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // send, both forms
        var after = (await fx.Control.GetMessagesAsync(box)).ToDictionary(m => m.Id);
        foreach (var name in new[] { "sent", "uploaded" })
        {
            var id = o.GetProperty(name).GetProperty("id").GetString()!;
            Assert.Contains("SENT", after[id].LabelIds);
            Assert.Equal("node@acme.com", Assert.Single(after[id].To));
        }

        Assert.Equal("Upload from node", after[o.GetProperty("uploaded").GetProperty("id").GetString()!].Subject);

        // errors
        Assert.Equal(404, o.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("Requested entity was not found.", o.GetProperty("error").GetProperty("message").GetString());
    }
}
