using EmailSync.Core.Association;
using EmailSync.Core.Data;
using EmailSync.Core.Domain;
using EmailSync.Core.Organizations;
using EmailSync.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using System.Text;

namespace EmailSync.Core.Customers;

/// <summary>A row the import skipped, and why (line numbers count the header as line 1).</summary>
public sealed record CustomerImportError(int Line, string Message);

public sealed record CustomerImportProgress(int RowsProcessed, int TotalRows, int Errors);

public sealed record CustomerImportResult(
    int Rows,
    int CustomersCreated,
    int CustomersUpdated,
    int DomainsAdded,
    int ContactsAdded,
    int ContactsUpdated,
    IReadOnlyList<CustomerImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Imports customers with their domains and contacts from CSV:
/// <c>name,domains,contact_email,contact_name,champion</c>. Several rows may name one customer (one row per
/// contact); an existing customer of the same name is added to. Domains in one cell are separated by ';'
/// (or spaces). Each row is applied whole or skipped with its errors; valid rows are saved.
/// </summary>
public sealed class CustomerImportService(
    IEmailSyncDbContextFactory factory,
    AuditLog audit,
    ITenantContext tenant,
    AssociationDirectoryCache directories,
    IReassociationQueue queue)
{
    public const string Header = "name,domains,contact_email,contact_name,champion";
    public const int MaxRows = 100_000;
    private static readonly string[] Columns = ["name", "domains", "contact_email", "contact_name", "champion"];
    private const int SaveEvery = 500;

    public async Task<CustomerImportResult> ImportAsync(TextReader csv, IProgress<CustomerImportProgress>? progress = null, CancellationToken ct = default)
    {
        var organizationId = tenant.OrganizationId ?? throw new InvalidOperationException("No organization is selected.");
        var records = Csv.Parse(csv, MaxRows + 1);
        if (records.Count == 0)
        {
            throw new ValidationException($"The file is empty. The first line must be the header: {Header}");
        }

        var columns = MapHeader(records[0].Fields);
        var rows = records.Skip(1).Where(r => r.Fields.Exists(f => f.Trim().Length > 0)).ToList();
        if (rows.Count > MaxRows)
        {
            throw new ValidationException($"The file has more than {MaxRows:N0} rows; split it into smaller files.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        var customers = (await db.Customers.ToListAsync(ct)).GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var domainOwners = await db.CustomerDomains.AsNoTracking().ToDictionaryAsync(d => d.Domain, d => d.CustomerId, StringComparer.OrdinalIgnoreCase, ct);
        var contacts = await db.Contacts.ToDictionaryAsync(c => c.Email, StringComparer.OrdinalIgnoreCase, ct);
        var aliases = (await db.Aliases.Select(a => a.Address).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Customers made by this file have no id until saved: track owners by reference.
        var newDomainOwners = new Dictionary<string, Customer>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<CustomerImportError>();
        int created = 0, updatedCustomers = 0, domainsAdded = 0, contactsAdded = 0, contactsUpdated = 0, processed = 0;
        var touched = new HashSet<Customer>();
        var scopeDomains = new List<string>();
        var scopeAddresses = new List<string>();

        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            string Cell(string column) => columns.TryGetValue(column, out var i) && i < row.Fields.Count ? row.Fields[i].Trim() : "";
            var rowErrors = new List<string>();

            var name = Cell("name");
            if (name.Length == 0)
            {
                rowErrors.Add("A customer name is required");
            }
            else if (name.Length > 200)
            {
                rowErrors.Add("The customer name is longer than 200 characters");
            }

            customers.TryGetValue(name, out var customer);

            var rowDomains = new List<string>();
            foreach (var raw in Cell("domains").Split([';', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryNormalizeDomain(raw, out var domain, out var message))
                {
                    rowErrors.Add(message);
                    continue;
                }

                var problem = RuleChangeValidator.DomainProblem(org, domain);
                if (problem is not null)
                {
                    rowErrors.Add(problem);
                }
                else if (domainOwners.TryGetValue(domain, out var ownerId) && ownerId != customer?.Id)
                {
                    rowErrors.Add($"The domain {domain} already belongs to {NameOf(customers, ownerId)}");
                }
                else if (newDomainOwners.TryGetValue(domain, out var newOwner) && !string.Equals(newOwner.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    rowErrors.Add($"The domain {domain} is given to {newOwner.Name} on an earlier line");
                }
                else if (!domainOwners.ContainsKey(domain) && !newDomainOwners.ContainsKey(domain) && !rowDomains.Contains(domain))
                {
                    rowDomains.Add(domain);
                }
            }

            var email = Cell("contact_email");
            var contactName = Cell("contact_name");
            var championText = Cell("champion");
            string? normalizedEmail = null;
            if (email.Length > 0)
            {
                if (!EmailAddress.TryNormalize(email, out var e))
                {
                    rowErrors.Add($"'{email}' is not a valid email address");
                }
                else if (RuleChangeValidator.ContactProblem(org, e) is { } problem)
                {
                    rowErrors.Add(problem);
                }
                else if (aliases.Contains(e))
                {
                    rowErrors.Add($"{e} is one of your organization's aliases, not a customer contact");
                }
                else if (contacts.TryGetValue(e, out var existing) && !IsSameCustomer(existing, customer, name))
                {
                    rowErrors.Add($"{e} is already a contact of {ContactOwnerName(existing, customers)}");
                }
                else
                {
                    normalizedEmail = e;
                }
            }
            else if (contactName.Length > 0 || championText.Length > 0)
            {
                rowErrors.Add("A contact_name or champion needs a contact_email");
            }

            if (contactName.Length > ContactService.MaxNameLength)
            {
                rowErrors.Add($"The contact name is longer than {ContactService.MaxNameLength} characters");
            }

            var champion = false;
            if (championText.Length > 0 && !TryParseBool(championText, out champion))
            {
                rowErrors.Add($"Champion must be yes or no (was '{championText}')");
            }

            if (rowErrors.Count > 0)
            {
                errors.Add(new CustomerImportError(row.Line, string.Join("; ", rowErrors.Select(e => e.TrimEnd('.'))) + "."));
            }
            else
            {
                if (customer is null)
                {
                    customer = new Customer { Name = name };
                    db.Customers.Add(customer);
                    customers[name] = customer;
                    created++;
                }
                else if (customer.Id != 0 && touched.Add(customer))
                {
                    updatedCustomers++;
                }

                foreach (var domain in rowDomains)
                {
                    customer.Domains.Add(new CustomerDomain { Domain = domain });
                    newDomainOwners[domain] = customer;
                    scopeDomains.Add(domain);
                    domainsAdded++;
                }

                if (normalizedEmail is not null)
                {
                    if (contacts.TryGetValue(normalizedEmail, out var existing))
                    {
                        existing.Name = contactName.Length > 0 ? contactName : existing.Name;
                        existing.IsChampion = championText.Length > 0 ? champion : existing.IsChampion;
                        contactsUpdated++;
                    }
                    else
                    {
                        var contact = new Contact { Email = normalizedEmail, Name = contactName.Length > 0 ? contactName : null, IsChampion = champion, Customer = customer };
                        customer.Contacts.Add(contact);
                        contacts[normalizedEmail] = contact;
                        scopeAddresses.Add(normalizedEmail);
                        contactsAdded++;
                    }
                }
            }

            processed++;
            if (processed % SaveEvery == 0)
            {
                await db.SaveChangesAsync(ct);
                progress?.Report(new CustomerImportProgress(processed, rows.Count, errors.Count));
            }
        }

        var changed = created + domainsAdded + contactsAdded + contactsUpdated > 0;
        if (changed)
        {
            org.MatchingVersion++;
            db.AuditEvents.Add(audit.Create("customers.imported", $"{rows.Count} rows",
                $"{created} customers created, {updatedCustomers} updated, {domainsAdded} domains, {contactsAdded} contacts added, {contactsUpdated} updated, {errors.Count} rows skipped"));
        }

        await db.SaveChangesAsync(ct);
        progress?.Report(new CustomerImportProgress(processed, rows.Count, errors.Count));
        if (changed)
        {
            directories.Invalidate(organizationId);
            await queue.EnqueueAsync(new ReassociationRequest(organizationId, new ReassociationScope(scopeDomains, scopeAddresses), "customers.imported"), ct);
        }

        return new CustomerImportResult(rows.Count, created, updatedCustomers, domainsAdded, contactsAdded, contactsUpdated, errors);
    }

    private static Dictionary<string, int> MapHeader(List<string> header)
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var column = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (column.Length == 0)
            {
                continue;
            }

            if (!Columns.Contains(column))
            {
                throw new ValidationException($"Unknown column '{header[i].Trim()}' in the header. The header must be: {Header}");
            }

            if (!map.TryAdd(column, i))
            {
                throw new ValidationException($"The column '{column}' appears twice in the header.");
            }
        }

        return map.ContainsKey("name")
            ? map
            : throw new ValidationException($"The header has no 'name' column. The first line must be: {Header}");
    }

    private static bool TryNormalizeDomain(string raw, out string domain, out string message)
    {
        try
        {
            domain = DomainName.Normalize(raw);
            message = "";
            return true;
        }
        catch (ValidationException ex)
        {
            domain = "";
            message = ex.Message.TrimEnd('.');
            return false;
        }
    }

    private static bool IsSameCustomer(Contact existing, Customer? customer, string name) =>
        customer is not null && (ReferenceEquals(existing.Customer, customer) || (existing.CustomerId != 0 && existing.CustomerId == customer.Id))
        || string.Equals(existing.Customer?.Name, name, StringComparison.OrdinalIgnoreCase);

    private static string ContactOwnerName(Contact existing, Dictionary<string, Customer> customers) =>
        existing.Customer?.Name ?? NameOf(customers, existing.CustomerId);

    private static string NameOf(Dictionary<string, Customer> customers, long id) =>
        customers.Values.FirstOrDefault(c => c.Id == id)?.Name ?? "another customer";

    private static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "yes" or "y" or "true" or "1" or "x" or "champion":
                value = true;
                return true;
            case "no" or "n" or "false" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF.</summary>
internal static class Csv
{
    internal sealed record Record(int Line, List<string> Fields);

    public static List<Record> Parse(TextReader reader, int maxRecords)
    {
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    any = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add(new Record(recordLine, fields));
                    fields = [];
                    any = false;
                    line++;
                    recordLine = line;
                    if (records.Count > maxRecords)
                    {
                        return records;
                    }

                    break;
                default:
                    field.Append(ch);
                    any = true;
                    break;
            }
        }

        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add(new Record(recordLine, fields));
        }

        return records;
    }
}
