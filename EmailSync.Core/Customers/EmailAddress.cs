namespace EmailSync.Core.Customers;

/// <summary>Email address validation and normalisation (" Maria@Globex.COM " → "maria@globex.com").</summary>
public static class EmailAddress
{
    public const int MaxLength = 320;

    public static string Normalize(string address)
    {
        var trimmed = (address ?? "").Trim();
        return TryNormalize(trimmed, out var normalized)
            ? normalized
            : throw new ValidationException($"'{trimmed}' is not a valid email address (like maria@globex.com).");
    }

    public static bool TryNormalize(string address, out string normalized)
    {
        normalized = "";
        var a = (address ?? "").Trim().ToLowerInvariant();
        var at = a.LastIndexOf('@');
        if (a.Length is 0 or > MaxLength || at <= 0 || at != a.IndexOf('@') || at > 64)
        {
            return false;
        }

        var local = a[..at];
        var domain = a[(at + 1)..];
        if (!DomainName.IsValid(domain) || local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~.-".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        normalized = a;
        return true;
    }

    public static string DomainOf(string normalizedAddress) => normalizedAddress[(normalizedAddress.LastIndexOf('@') + 1)..];
}
