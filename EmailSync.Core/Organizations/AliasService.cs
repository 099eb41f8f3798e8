using EmailSync.Core.Association;
using EmailSync.Core.Customers;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using System.Globalization;
using System.Security.Cryptography;

namespace EmailSync.Core.Organizations;

/// <summary>An alias as the settings page shows it.</summary>
public sealed record AliasItem(long Id, string Address, bool IsVerified, bool SyncEnabled, DateTimeOffset? CodeSentAt, bool CodeExpired, int AttemptsLeft);

/// <summary>
/// The team's shared addresses (collections@, success@). An alias is imported only once verified: a
/// six-digit code is mailed to it (<see cref="IAliasCodeSender"/>) and entered here. Only a salted hash
/// of the code is stored; it expires after <see cref="CodeLifetime"/> and allows <see cref="MaxAttempts"/>
/// wrong entries. Every change is audited and re-associates the mail of the address (aliases never
/// make a customer match).
/// </summary>
public sealed class AliasService(
    IEmailSyncDbContextFactory factory,
    AuditLog audit,
    ITenantContext tenant,
    IAliasCodeSender sender,
    AssociationDirectoryCache directories,
    IReassociationQueue queue,
    TimeProvider clock,
    ILogger<AliasService> logger)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan ResendInterval = TimeSpan.FromSeconds(30);
    public const int MaxAttempts = 5;
    public const int MaxAliases = 200;

    public async Task<IReadOnlyList<AliasItem>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Aliases.AsNoTracking().OrderBy(a => a.Address).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.Select(a => new AliasItem(
                a.Id,
                a.Address,
                a.IsVerified,
                a.SyncEnabled,
                a.VerificationSentAt,
                !a.IsVerified && a.VerificationSentAt is { } sent && now - sent > CodeLifetime,
                a.IsVerified || a.VerificationCodeHash is null ? 0 : Math.Max(0, MaxAttempts - CodeHash.Attempts(a.VerificationCodeHash))))
            .ToList();
    }

    /// <summary>Adds an alias (validated, not a duplicate, not a customer contact) and mails it a verification code.</summary>
    public async Task<AliasItem> AddAsync(string address, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new ValidationException("Enter the alias address, like collections@yourcompany.com.");
        }

        var normalized = EmailAddress.Normalize(address);
        var organizationId = CurrentOrganization();
        long id;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (await db.Aliases.AnyAsync(a => a.Address == normalized, ct))
            {
                throw new ValidationException($"{normalized} is already an alias of your organization.");
            }

            if (await db.Aliases.CountAsync(ct) >= MaxAliases)
            {
                throw new ValidationException($"An organization can have at most {MaxAliases} aliases.");
            }

            var contactOf = await db.Contacts.Where(c => c.Email == normalized).Select(c => c.Customer!.Name).FirstOrDefaultAsync(ct);
            if (contactOf is not null)
            {
                throw new ValidationException($"{normalized} is a contact of the customer {contactOf}; remove the contact before making it an alias.");
            }

            var alias = new Alias { OrganizationId = organizationId, Address = normalized, IsVerified = false, SyncEnabled = true };
            db.Aliases.Add(alias);
            db.AuditEvents.Add(audit.Create("alias.added", normalized));
            await db.SaveChangesAsync(ct);
            await AssociationRulesLoader.BumpVersionAsync(db, organizationId, ct);
            id = alias.Id;
        }

        await RulesChangedAsync(organizationId, normalized, "alias.added", ct);
        await SendCodeAsync(id, ct);
        return (await ListAsync(ct)).First(a => a.Id == id);
    }

    /// <summary>Mails a new code to the alias (the old one stops working).</summary>
    public async Task SendCodeAsync(long aliasId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var alias = await FindAsync(db, aliasId, ct);
        if (alias.IsVerified)
        {
            throw new ValidationException($"{alias.Address} is already verified.");
        }

        var now = clock.GetUtcNow();
        if (alias.VerificationSentAt is { } sent && now - sent < ResendInterval && alias.VerificationCodeHash is not null)
        {
            throw new ValidationException($"A code was sent to {alias.Address} moments ago; wait {Math.Ceiling((ResendInterval - (now - sent)).TotalSeconds):0} seconds before asking for another.");
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var organizationName = await db.Organizations.Where(o => o.Id == alias.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        await sender.SendAsync(new AliasCode(alias.Address, code, organizationName, CodeLifetime), ct);

        alias.VerificationCodeHash = CodeHash.Create(code);
        alias.VerificationSentAt = now;
        db.AuditEvents.Add(audit.Create("alias.code-sent", alias.Address));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Verification code sent to alias {Alias}", alias.Address);
    }

    /// <summary>Checks the code typed by the admin; the alias is verified (and imported) when it matches.</summary>
    public async Task VerifyAsync(long aliasId, string code, CancellationToken ct = default)
    {
        var typed = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (typed.Length != 6)
        {
            throw new ValidationException("The code has six digits; copy it from the email sent to the alias.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var alias = await FindAsync(db, aliasId, ct);
        if (alias.IsVerified)
        {
            return;
        }

        if (alias.VerificationCodeHash is null || alias.VerificationSentAt is null)
        {
            throw new ValidationException($"No code was sent to {alias.Address} yet; send one first.");
        }

        if (clock.GetUtcNow() - alias.VerificationSentAt.Value > CodeLifetime)
        {
            throw new ValidationException($"The code sent to {alias.Address} has expired (codes last {CodeLifetime.TotalHours:0} hours). Send a new one.");
        }

        var attempts = CodeHash.Attempts(alias.VerificationCodeHash);
        if (attempts >= MaxAttempts)
        {
            throw new ValidationException($"Too many wrong codes for {alias.Address}. Send a new code.");
        }

        if (!CodeHash.Matches(alias.VerificationCodeHash, typed))
        {
            alias.VerificationCodeHash = CodeHash.WithAttempts(alias.VerificationCodeHash, attempts + 1);
            db.AuditEvents.Add(audit.Create("alias.verification-failed", alias.Address, $"attempt {attempts + 1} of {MaxAttempts}"));
            await db.SaveChangesAsync(ct);
            var left = MaxAttempts - attempts - 1;
            throw new ValidationException(left > 0
                ? $"That code is not right. {left} {(left == 1 ? "try" : "tries")} left."
                : $"That code is not right, and that was the last try. Send a new code to {alias.Address}.");
        }

        alias.IsVerified = true;
        alias.VerificationCodeHash = null;
        db.AuditEvents.Add(audit.Create("alias.verified", alias.Address));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Whether mail of a verified alias is imported.</summary>
    public async Task SetSyncAsync(long aliasId, bool enabled, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var alias = await FindAsync(db, aliasId, ct);
        if (alias.SyncEnabled == enabled)
        {
            return;
        }

        alias.SyncEnabled = enabled;
        db.AuditEvents.Add(audit.Create(enabled ? "alias.sync-enabled" : "alias.sync-disabled", alias.Address));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Removes the alias; mail already imported stays.</summary>
    public async Task RemoveAsync(long aliasId, CancellationToken ct = default)
    {
        var organizationId = CurrentOrganization();
        string address;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var alias = await FindAsync(db, aliasId, ct);
            address = alias.Address;
            db.Aliases.Remove(alias);
            db.AuditEvents.Add(audit.Create("alias.removed", address));
            await db.SaveChangesAsync(ct);
            await AssociationRulesLoader.BumpVersionAsync(db, organizationId, ct);
        }

        await RulesChangedAsync(organizationId, address, "alias.removed", ct);
    }

    private static async Task<Alias> FindAsync(EmailSyncDbContext db, long aliasId, CancellationToken ct) =>
        await db.Aliases.FirstOrDefaultAsync(a => a.Id == aliasId, ct)
        ?? throw new ValidationException("That alias does not exist in this organization (it may have been removed).");

    private async Task RulesChangedAsync(Guid organizationId, string address, string reason, CancellationToken ct)
    {
        // Aliases are the organization's own addresses: they never make a match, so their mail is re-associated.
        directories.Invalidate(organizationId);
        await queue.EnqueueAsync(new ReassociationRequest(organizationId, ReassociationScope.ForAddresses(address), $"{reason} {address}"), ct);
    }

    private Guid CurrentOrganization() => tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");
}

/// <summary>
/// The stored form of a verification code: <c>v1.{wrong attempts}.{salt}.{PBKDF2-SHA256 hash}</c>. The
/// attempt counter lives in the same column, so limiting attempts needs no extra column.
/// </summary>
internal static class CodeHash
{
    private const int Iterations = 100_000;

    public static string Create(string code)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return Format(0, salt, Derive(code, salt));
    }

    public static int Attempts(string stored) =>
        stored.Split('.') is ["v1", var attempts, _, _] && int.TryParse(attempts, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : MaxValue;

    public static bool Matches(string stored, string code)
    {
        if (stored.Split('.') is not ["v1", _, var salt, var hash])
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Derive(code, Convert.FromBase64String(salt)), Convert.FromBase64String(hash));
    }

    public static string WithAttempts(string stored, int attempts)
    {
        var parts = stored.Split('.');
        return Format(attempts, Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]));
    }

    private const int MaxValue = int.MaxValue;

    private static string Format(int attempts, byte[] salt, byte[] hash) =>
        $"v1.{attempts.ToString(CultureInfo.InvariantCulture)}.{Convert.ToBase64String(salt)}.{Convert.ToBase64String(hash)}";

    private static byte[] Derive(string code, byte[] salt) => Rfc2898DeriveBytes.Pbkdf2(code, salt, Iterations, HashAlgorithmName.SHA256, 32);
}
