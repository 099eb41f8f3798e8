using EmailSync.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Data;

public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_Migrations_CoverTheModel()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes the SQLite migrations lack: run the `dotnet ef migrations add` command in EmailSyncDbContext's comment.");
    }

    [Fact]
    public void SqlServer_Migrations_CoverTheModel()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes the SQL Server migrations lack: run the `dotnet ef migrations add` command in EmailSyncDbContext's comment.");
    }

    [Fact]
    public void EachProvider_HasItsOwnMigrations()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var sqliteMigrations = sqlite.Database.GetMigrations().ToList();
        var sqlServerMigrations = sqlServer.Database.GetMigrations().ToList();
        Assert.NotEmpty(sqliteMigrations);
        Assert.NotEmpty(sqlServerMigrations);
        Assert.Contains("nvarchar", sqlServer.Database.GenerateCreateScript(), StringComparison.Ordinal);
        Assert.DoesNotContain("nvarchar", sqlite.Database.GenerateCreateScript(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqlite_Migrations_ApplyToAnEmptyFile()
    {
        using var dir = new Infrastructure.TestDirectory();
        var options = new DbContextOptionsBuilder<SqliteEmailSyncDbContext>().UseSqlite($"Data Source={dir.File("fresh.db")}").Options;
        await using var db = new SqliteEmailSyncDbContext(options);
        await db.Database.MigrateAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        db.AllTenants = true;
        Assert.Equal(0, await db.Customers.CountAsync());
    }
}
