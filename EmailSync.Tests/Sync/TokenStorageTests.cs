using EmailSync.Core.Gmail;
using EmailSync.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Text;

namespace EmailSync.Tests.Sync;

/// <summary>Refresh tokens never reach the database in clear.</summary>
public sealed class TokenStorageTests(ManualSyncAppFactory app) : IClassFixture<ManualSyncAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task RefreshToken_IsEncryptedAtRest_AndOnlyTheKeyRingReadsItBack()
    {
        var issued = await app.Emulator.IssueAccessTokenAsync(Accounts.Admin, [GmailScopes.Readonly], GoogleEndpoints.EmulatorClientId, includeRefreshToken: true);
        var protector = app.Services.GetRequiredService<RefreshTokenProtector>();
        var id = await app.ConnectAsync(Accounts.Admin, trigger: false, refreshToken: issued.RefreshToken);

        string stored;
        await using (var db = app.CreateSystemContext())
        {
            stored = (await db.MailboxConnections.SingleAsync(c => c.Id == id)).EncryptedRefreshToken!;
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        Assert.NotEqual(issued.RefreshToken, stored);
        Assert.DoesNotContain(issued.RefreshToken!, stored, StringComparison.Ordinal);
        Assert.Equal(issued.RefreshToken, protector.Unprotect(stored));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = await File.ReadAllBytesAsync(app.DatabasePath);
        Assert.DoesNotContain(issued.RefreshToken!, Encoding.UTF8.GetString(file), StringComparison.Ordinal);
        Assert.Contains(stored, Encoding.UTF8.GetString(file), StringComparison.Ordinal);
    }
}
