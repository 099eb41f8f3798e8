using EmailSync.Core.Domain;
using EmailSync.Core.Sync;
using EmailSync.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Sync;

/// <summary>Backfill against the emulator over loopback into real SQLite, driven turn by turn.</summary>
public sealed class BackfillTests(ManualSyncAppFactory app) : IClassFixture<ManualSyncAppFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        await app.Emulator.ClearFaultsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<SyncRunOutcome> RunToEndAsync(long connectionId, int maxTurns = 50)
    {
        var outcome = SyncRunOutcome.MoreWork;
        for (var turn = 0; turn < maxTurns && outcome is SyncRunOutcome.MoreWork or SyncRunOutcome.Failed; turn++)
        {
            await ClearBackoffAsync(connectionId);
            outcome = await app.RunOnceAsync(connectionId);
        }

        if (outcome == SyncRunOutcome.Failed)
        {
            await using var db = app.CreateSystemContext();
            var connection = await db.MailboxConnections.SingleAsync(c => c.Id == connectionId);
            Assert.Fail($"Sync kept failing: {connection.LastError}");
        }

        return outcome;
    }

    private async Task ClearBackoffAsync(long connectionId)
    {
        await using var db = app.CreateSystemContext();
        await db.MailboxConnections.Where(c => c.Id == connectionId).ExecuteUpdateAsync(u => u.SetProperty(c => c.NextAttemptAt, (DateTimeOffset?)null));
    }

    [Fact]
    public async Task Backfill_ImportsExactlyTheInScopeSet()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);

        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));

        var expected = await app.ExpectedInScopeAsync(Accounts.Admin, id);
        var (stored, rows) = await app.StoredAsync(id);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), stored.Order());
        Assert.Equal(stored.Count, rows);

        await using var db = app.CreateSystemContext();
        var connection = await db.MailboxConnections.SingleAsync(c => c.Id == id);
        Assert.Equal(MailboxStatus.Active, connection.Status);
        Assert.NotNull(connection.LastSyncAt);
        Assert.Equal(expected.Count, connection.FetchedCount);
        Assert.True(connection.ListedCount >= expected.Count);
        var messages = await db.EmailMessages.Where(m => m.Sources.Any(s => s.MailboxConnectionId == id)).ToListAsync();
        Assert.Contains(messages, m => m.Direction == EmailDirection.Outbound);
        Assert.Contains(messages, m => m.Direction == EmailDirection.Inbound);
        Assert.All(messages, m => Assert.False(string.IsNullOrEmpty(m.RfcMessageId)));
    }

    [Fact]
    public async Task Backfill_ResumesFromCursor_AfterCrashMidPage_WithoutDuplicates()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        // Slow every get so the turn is cancelled in the middle of a page, as a crash would stop it.
        await app.Emulator.InjectFaultAsync("messages.get", count: 1000, latencyMs: 500);
        using (var crash = new CancellationTokenSource(TimeSpan.FromMilliseconds(900)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.RunOnceAsync(id, crash.Token));
        }

        int listedAfterCrash;
        await using (var db = app.CreateSystemContext())
        {
            var state = await db.MailboxSyncStates.SingleAsync(s => s.MailboxConnectionId == id);
            listedAfterCrash = state.Listed;
            Assert.Null(state.BackfillCompletedAt);
        }

        await app.Emulator.ClearFaultsAsync();
        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));

        var expected = await app.ExpectedInScopeAsync(Accounts.Admin, id);
        var (stored, rows) = await app.StoredAsync(id);
        Assert.Equal(expected.Order(), stored.Order());
        Assert.Equal(stored.Count, rows);
        Assert.True(listedAfterCrash < expected.Count, "The crash should have stopped the backfill part-way.");
    }

    [Fact]
    public async Task FaultStorm_EndsWithExactlyTheExpectedMessages()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        await app.Emulator.InjectFaultAsync("messages.get", count: 15, status: 429);
        await app.Emulator.InjectFaultAsync("messages.get", count: 10, status: 500);
        await app.Emulator.InjectFaultAsync("messages.list", count: 3, status: 503);
        await app.Emulator.InjectFaultAsync("messages.get", count: 5, drop: true);
        await app.Emulator.InjectFaultAsync("messages.list", count: 2, drop: true);

        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));

        var expected = await app.ExpectedInScopeAsync(Accounts.Admin, id);
        var (stored, rows) = await app.StoredAsync(id);
        Assert.Equal(expected.Order(), stored.Order());
        Assert.Equal(stored.Count, rows);
    }

    [Fact]
    public async Task TokenRevokedMidBackfill_MarksUnauthorized_WithReasonAndTraceId()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        // One turn in, Google revokes access (the user removed EmailSync from their Google account).
        await app.RunOnceAsync(id);

        await app.Emulator.RevokeAllTokensAsync(Accounts.Admin);
        var outcome = await RunToEndAsync(id);

        Assert.Equal(SyncRunOutcome.Unauthorized, outcome);
        await using var db = app.CreateSystemContext();
        var connection = await db.MailboxConnections.SingleAsync(c => c.Id == id);
        Assert.Equal(MailboxStatus.Unauthorized, connection.Status);
        Assert.Contains("reconnect", connection.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(connection.LastErrorTraceId));
    }

    [Fact]
    public async Task HistoryExpired_FallsBackToBackfill_NotAnError_AndNewMailArrives()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));
        var delivered = await app.Emulator.DeliverMessageAsync(Accounts.Admin, new EmailSync.GmailEmulator.Control.DeliverRequest
        {
            From = "ana@customer-after-expiry.example",
            To = [SyncAppFactory.Alias1],
            Subject = "Invoice question after history expiry",
            Body = "Hello, a question about invoice 42.",
        });
        await app.Emulator.ExpireHistoryAsync(Accounts.Admin);

        var outcome = await RunToEndAsync(id);

        Assert.Equal(SyncRunOutcome.Done, outcome);
        var (stored, rows) = await app.StoredAsync(id);
        Assert.Contains(delivered.Id, stored);
        Assert.Equal(stored.Count, rows);
        await using var db = app.CreateSystemContext();
        var connection = await db.MailboxConnections.SingleAsync(c => c.Id == id);
        Assert.Equal(MailboxStatus.Active, connection.Status);
        Assert.Null(connection.LastError);
    }

    [Fact]
    public async Task Incremental_ImportsOnlyInScopeNewMail()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));
        var inScope = await app.Emulator.DeliverMessageAsync(Accounts.Admin, new EmailSync.GmailEmulator.Control.DeliverRequest
        {
            From = "maria@globex-new.example",
            Cc = [SyncAppFactory.Alias2],
            To = [Accounts.Admin],
            Subject = "Renewal next month",
            Body = "Can we talk about the renewal?",
        });
        var outOfScope = await app.Emulator.DeliverMessageAsync(Accounts.Admin, new EmailSync.GmailEmulator.Control.DeliverRequest
        {
            From = "friend@gmail.com",
            To = [Accounts.Admin],
            Subject = "Dinner?",
            Body = "Personal mail, not for the timeline.",
        });

        Assert.Equal(SyncRunOutcome.Done, await app.RunOnceAsync(id));

        var (stored, _) = await app.StoredAsync(id);
        Assert.Contains(inScope.Id, stored);
        Assert.DoesNotContain(outOfScope.Id, stored);
    }

    [Fact]
    public async Task Reconciliation_FindsMailThatWentMissing_ImportsIt_AndRecordsIt()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));
        string lost;
        await using (var db = app.CreateSystemContext())
        {
            // Simulate silent loss: a stored message vanishes, and reconciliation is due.
            var victim = await db.EmailSources.Where(s => s.MailboxConnectionId == id).OrderBy(s => s.Id).FirstAsync();
            lost = victim.GmailMessageId;
            await db.EmailMessages.Where(m => m.Id == victim.EmailMessageId).ExecuteDeleteAsync();
            await db.MailboxSyncStates.Where(s => s.MailboxConnectionId == id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastReconciledAt, DateTimeOffset.UtcNow.AddDays(-1)));
        }

        Assert.Equal(SyncRunOutcome.Done, await app.RunOnceAsync(id));

        var (stored, rows) = await app.StoredAsync(id);
        Assert.Contains(lost, stored);
        Assert.Equal(stored.Count, rows);
        await using var check = app.CreateSystemContext();
        var state = await check.MailboxSyncStates.SingleAsync(s => s.MailboxConnectionId == id);
        Assert.Equal(1, state.LastReconcileMissing);
        Assert.True(await check.AuditEvents.AnyAsync(a => a.Action == "sync.reconciled" && a.Details!.Contains("1 were missing")));
    }

    [Fact]
    public async Task MalformedMessage_IsStoredWithAWarning_AndDoesNotStopTheSync()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));
        var broken = "From: =?x-unknown?B?////?= <buyer@broken-mime.example>\r\nTo: collections@northwind.example\r\nSubject: =?utf-8?Q?Bad_=E2=28?=\r\n"
            + "Content-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n--never-closed\r\nContent-Type: text/plain; charset=bogus-charset\r\n\r\nCaf\xe9 invoice\r\n";
        var bad = await app.Emulator.DeliverRawAsync(Accounts.Admin, System.Text.Encoding.Latin1.GetBytes(broken));
        var good = await app.Emulator.DeliverMessageAsync(Accounts.Admin, SyncWaits.CustomerMail("Next to a broken one"));

        Assert.Equal(SyncRunOutcome.Done, await app.RunOnceAsync(id));

        var (stored, _) = await app.StoredAsync(id);
        Assert.Contains(bad.Id, stored);
        Assert.Contains(good.Id, stored);
        await using var db = app.CreateSystemContext();
        var message = await db.EmailMessages.SingleAsync(m => m.Sources.Any(s => s.GmailMessageId == bad.Id));
        Assert.NotEmpty(message.ParseWarnings);
        Assert.Equal("buyer@broken-mime.example", message.FromAddress);
    }

    [Fact]
    public async Task ATimedOutCall_FailsTheTurn_WithTheErrorShown_AndTheNextTurnResumes()
    {
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false);
        // Gmail hangs longer than the client's timeout (5 s in these tests) on a list call.
        await app.Emulator.InjectFaultAsync("messages.list", count: 1, latencyMs: 8000);

        Assert.Equal(SyncRunOutcome.Failed, await app.RunOnceAsync(id));
        await using (var db = app.CreateSystemContext())
        {
            var failed = await db.MailboxConnections.SingleAsync(c => c.Id == id);
            Assert.NotNull(failed.LastError);
            Assert.NotNull(failed.LastErrorTraceId);
            Assert.NotNull(failed.NextAttemptAt);
        }

        Assert.Equal(SyncRunOutcome.Done, await RunToEndAsync(id));
        var expected = await app.ExpectedInScopeAsync(Accounts.Admin, id);
        var (stored, rows) = await app.StoredAsync(id);
        Assert.Equal(expected.Order(), stored.Order());
        Assert.Equal(stored.Count, rows);
    }
}
