using EmailSync.Core.Domain;

namespace EmailSync.Web.Hosting;

/// <summary>
/// The demo organization seeded on start. On by default in Development; in Production the first-run
/// page creates the first admin instead, so no default password ever exists there.
/// </summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Null: seed in Development only.</summary>
    public bool? Enabled { get; set; }

    public const string OrganizationName = "Northwind Customer Success";
    public const string Domain = "northwind.example";
    public const string Password = "Demo-pass-2026";

    /// <summary>The team's shared addresses, verified and syncing in the demo organization.</summary>
    public static readonly string[] Aliases = ["collections@northwind.example", "success@northwind.example", "renewals@northwind.example"];

    /// <summary>Which demo mailbox receives which alias's mail in the emulator (an alias has one owner there).</summary>
    public static IEnumerable<string> AliasesOf(string email) => email switch
    {
        "admin@northwind.example" => ["collections@northwind.example"],
        "maria@northwind.example" => ["success@northwind.example"],
        "tom@northwind.example" => ["renewals@northwind.example"],
        _ => [],
    };

    public static readonly (string Email, string Name, OrganizationRole Role)[] Users =
    [
        ("admin@northwind.example", "Alex Admin", OrganizationRole.Admin),
        ("maria@northwind.example", "Maria Souza", OrganizationRole.Csm),
        ("tom@northwind.example", "Tom Becker", OrganizationRole.Csm),
    ];
}
