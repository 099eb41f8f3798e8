using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Tests.Infrastructure;
using EmailSync.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace EmailSync.Tests.Timeline;

/// <summary>Arranges customers and timeline mail straight in the database (small fluent builders, as eShop's Builders.cs).</summary>
public sealed class TimelineSeed(WebAppFactory app)
{
    private static int sequence;

    public Guid OrganizationId { get; private set; }

    public async Task<TimelineSeed> ForDemoOrganizationAsync()
    {
        await using var db = app.CreateSystemContext();
        OrganizationId = await db.Organizations.Where(o => o.Name == DemoOptions.OrganizationName).Select(o => o.Id).SingleAsync();
        return this;
    }

    public async Task<string> UserIdAsync(string email)
    {
        await using var db = app.CreateSystemContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    public async Task<Customer> CustomerAsync(string name, string[] domains, params (string Email, string? Name, bool Champion)[] contacts)
    {
        await using var db = app.CreateSystemContext();
        var customer = new Customer
        {
            OrganizationId = OrganizationId,
            Name = name,
            Domains = [.. domains.Select(d => new CustomerDomain { OrganizationId = OrganizationId, Domain = d })],
            Contacts = [.. contacts.Select(c => new Contact { OrganizationId = OrganizationId, Email = c.Email, Name = c.Name, IsChampion = c.Champion })],
        };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    public EmailBuilder Email(string subject) => new(this, subject);

    internal async Task<EmailMessage> SaveAsync(EmailMessage message)
    {
        await using var db = app.CreateSystemContext();
        db.EmailMessages.Add(message);
        await db.SaveChangesAsync();
        return message;
    }

    public sealed class EmailBuilder(TimelineSeed seed, string subject)
    {
        private readonly EmailMessage message = new()
        {
            OrganizationId = seed.OrganizationId,
            RfcMessageId = $"seed-{Interlocked.Increment(ref sequence)}-{Guid.NewGuid():N}@test.example",
            Subject = subject,
            Snippet = $"About {subject}",
            BodyText = $"Hello, this is about {subject}.",
            BodyStored = true,
            SentAt = DateTimeOffset.UtcNow.AddHours(-1),
            ImportedAt = DateTimeOffset.UtcNow,
        };

        public EmailBuilder From(string address, string? name = null, EmailDirection direction = EmailDirection.Inbound)
        {
            message.FromAddress = address;
            message.FromName = name;
            message.Direction = direction;
            return Person(ParticipantKind.From, address, name);
        }

        public EmailBuilder To(string address, string? name = null) => Person(ParticipantKind.To, address, name);

        public EmailBuilder Cc(string address, string? name = null) => Person(ParticipantKind.Cc, address, name);

        public EmailBuilder At(DateTimeOffset when)
        {
            message.SentAt = when;
            return this;
        }

        public EmailBuilder InThread(string key)
        {
            message.ThreadKey = key;
            return this;
        }

        public EmailBuilder RfcId(string id, string? inReplyTo = null)
        {
            message.RfcMessageId = id;
            message.InReplyTo = inReplyTo;
            return this;
        }

        public EmailBuilder Html(string html)
        {
            message.BodyHtml = html;
            return this;
        }

        public EmailBuilder MetadataOnly()
        {
            message.BodyStored = false;
            message.BodyText = null;
            message.BodyHtml = null;
            return this;
        }

        public EmailBuilder Attachment(string fileName, long size, byte[]? content = null, string type = "application/pdf", string? contentId = null)
        {
            message.HasAttachments |= contentId is null;
            message.Attachments.Add(new EmailAttachment
            {
                OrganizationId = seed.OrganizationId,
                FileName = fileName,
                ContentType = type,
                Size = size,
                Content = content,
                ContentId = contentId,
            });
            return this;
        }

        public EmailBuilder LinkedTo(Customer customer, MatchReason reason, string value, bool shared = false, bool suppressed = false)
        {
            message.Links.Add(new EmailLink
            {
                OrganizationId = seed.OrganizationId,
                CustomerId = customer.Id,
                Reason = reason,
                MatchedValue = value,
                IsShared = shared,
                IsSuppressed = suppressed,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            return this;
        }

        public Task<EmailMessage> SaveAsync() => seed.SaveAsync(message);

        private EmailBuilder Person(ParticipantKind kind, string address, string? name)
        {
            message.Participants.Add(new EmailParticipant
            {
                OrganizationId = seed.OrganizationId,
                Kind = kind,
                Address = address.ToLowerInvariant(),
                DisplayName = name,
                Domain = address[(address.LastIndexOf('@') + 1)..].ToLowerInvariant(),
            });
            return this;
        }
    }
}
