using System.ComponentModel.DataAnnotations;

namespace EmailSync.Core.Data;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Sqlite (embedded default) or SqlServer.</summary>
    [Required]
    [RegularExpression("^(Sqlite|SqlServer)$", ErrorMessage = "Database:Provider must be 'Sqlite' or 'SqlServer'.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>
    /// For Sqlite, a relative Data Source is resolved against the app's content root
    /// (the default is data/emailsync.db, created on first start).
    /// </summary>
    [Required(ErrorMessage = "Database:ConnectionString is required.")]
    public string ConnectionString { get; set; } = "Data Source=data/emailsync.db";

    /// <summary>Apply pending migrations on start (on by default; turn off when a DBA runs them).</summary>
    public bool MigrateOnStart { get; set; } = true;

    public bool IsSqlite => string.Equals(Provider, "Sqlite", StringComparison.OrdinalIgnoreCase);
}
