using System.Text.RegularExpressions;

namespace EmailSync.Core.Customers;

/// <summary>Email domain validation and normalisation ("Acme.COM." → "acme.com").</summary>
public static partial class DomainName
{
    public static string Normalize(string domain)
    {
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (d.StartsWith('@'))
        {
            d = d[1..];
        }

        return IsValid(d) ? d : throw new ValidationException($"'{domain.Trim()}' is not a valid email domain (like acme.com).");
    }

    public static bool IsValid(string domain) => domain.Length <= 253 && DomainPattern().IsMatch(domain);

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();
}
