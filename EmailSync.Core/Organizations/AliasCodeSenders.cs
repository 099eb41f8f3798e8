using EmailSync.Core.Customers;
using EmailSync.Core.Gmail;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Range = System.ComponentModel.DataAnnotations.RangeAttribute;
using IValidatableObject = System.ComponentModel.DataAnnotations.IValidatableObject;
using ValidationContext = System.ComponentModel.DataAnnotations.ValidationContext;
using ValidationResult = System.ComponentModel.DataAnnotations.ValidationResult;
using System.Net;
using System.Net.Http.Json;

namespace EmailSync.Core.Organizations;

/// <summary>A verification code to mail to an alias.</summary>
public sealed record AliasCode(string Alias, string Code, string OrganizationName, TimeSpan ValidFor)
{
    public string Subject => $"EmailSync verification code: {Code}";

    public string Body =>
        $"""
        Someone in {OrganizationName} added {Alias} as a team alias in EmailSync.

        To confirm that this address belongs to your team, enter this code on the settings page:

            {Code}

        The code works for {ValidFor.TotalHours:0} hours. If you did not expect this email, you can ignore it.
        """;
}

/// <summary>Mails alias verification codes: SMTP when configured, the embedded Gmail emulator in the demo.</summary>
public interface IAliasCodeSender
{
    Task SendAsync(AliasCode code, CancellationToken ct);
}

/// <summary>Outgoing mail for verification codes. Unused (and not validated) while <see cref="Host"/> is empty.</summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string SectionName = "Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)] public int Port { get; set; } = 587;

    /// <summary>Use STARTTLS (port 587) or implicit TLS (465) when the server offers it; off only for local test servers.</summary>
    public bool UseTls { get; set; } = true;

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>The sender address, like "EmailSync &lt;no-reply@yourcompany.com&gt;".</summary>
    public string? From { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsConfigured && (string.IsNullOrWhiteSpace(From) || !MailboxAddress.TryParse(From, out _)))
        {
            yield return new ValidationResult("Smtp:From must be a sender address (like no-reply@yourcompany.com) when Smtp:Host is set.", [nameof(From)]);
        }
    }
}

/// <summary>Sends the code through the configured SMTP server (MailKit).</summary>
public sealed class SmtpAliasCodeSender(IOptions<SmtpOptions> options, ILogger<SmtpAliasCodeSender> logger) : IAliasCodeSender
{
    public async Task SendAsync(AliasCode code, CancellationToken ct)
    {
        var o = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From!));
        message.To.Add(MailboxAddress.Parse(code.Alias));
        message.Subject = code.Subject;
        message.Body = new TextPart("plain") { Text = code.Body };

        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(o.Host!, o.Port, o.UseTls ? SecureSocketOptions.Auto : SecureSocketOptions.None, ct);
            if (!string.IsNullOrEmpty(o.Username))
            {
                await client.AuthenticateAsync(o.Username, o.Password ?? "", ct);
            }

            await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or AuthenticationException or IOException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning(ex, "Could not mail the verification code to {Alias} through {Host}", code.Alias, o.Host);
            throw new ValidationException($"The code could not be mailed to {code.Alias}: the mail server said \"{ex.Message}\". Try again, or ask whoever runs EmailSync to check the Smtp settings.");
        }
    }
}

/// <summary>
/// The demo's mail: delivers the code into the embedded Gmail emulator's mailbox that holds the alias
/// (creating a mailbox for an address the emulator does not know), through its control API at the
/// app's own /google/ path — so the verification flow can be completed end to end without SMTP.
/// </summary>
public sealed class EmulatorAliasCodeSender(HttpClient http, GoogleEndpoints endpoints) : IAliasCodeSender
{
    public async Task SendAsync(AliasCode code, CancellationToken ct)
    {
        var root = new Uri(endpoints.GmailBaseUri);
        var deliver = new Uri(root, $"emulator/mailboxes/{Uri.EscapeDataString(code.Alias)}/messages");
        var message = new
        {
            from = "EmailSync <no-reply@emailsync.local>",
            to = new[] { code.Alias },
            subject = code.Subject,
            body = code.Body,
        };
        using var response = await http.PostAsJsonAsync(deliver, message, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // No emulated mailbox receives this address yet: give it one, as a real domain would.
            using var created = await http.PostAsJsonAsync(new Uri(root, "emulator/mailboxes"), new { address = code.Alias, messageCount = 0 }, ct);
            created.EnsureSuccessStatusCode();
            using var retry = await http.PostAsJsonAsync(deliver, message, ct);
            retry.EnsureSuccessStatusCode();
            return;
        }

        response.EnsureSuccessStatusCode();
    }
}

/// <summary>Neither SMTP nor the emulator: say what to configure.</summary>
public sealed class UnconfiguredAliasCodeSender : IAliasCodeSender
{
    public Task SendAsync(AliasCode code, CancellationToken ct) =>
        throw new ValidationException("EmailSync cannot send email yet, so the alias cannot be verified. Ask whoever runs EmailSync to set Smtp:Host and Smtp:From.");
}
