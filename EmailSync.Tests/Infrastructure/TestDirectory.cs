namespace EmailSync.Tests.Infrastructure;

/// <summary>A temporary folder deleted when disposed (SQLite files, key rings, screenshots).</summary>
public sealed class TestDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "emailsync-tests", Guid.NewGuid().ToString("N")[..12]);

    public TestDirectory() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing host; the OS temp cleaner takes it.
        }
    }
}
