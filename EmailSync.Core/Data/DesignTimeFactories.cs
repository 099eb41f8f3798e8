using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EmailSync.Core.Data;

/// <summary>Lets `dotnet ef` build each provider's context without starting the app (see EmailSyncDbContext).</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteEmailSyncDbContext>
{
    public SqliteEmailSyncDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteEmailSyncDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerEmailSyncDbContext>
{
    public SqlServerEmailSyncDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerEmailSyncDbContext>().UseSqlServer("Server=(design);Database=EmailSync").Options);
}
