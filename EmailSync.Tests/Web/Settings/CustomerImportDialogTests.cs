using Bunit;
using EmailSync.Core.Customers;
using EmailSync.Web.Components.Pages.Settings.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace EmailSync.Tests.Web.Settings;

/// <summary>CSV import: valid rows are saved, skipped rows are listed with their line and reason.</summary>
public sealed class CustomerImportDialogTests(SettingsHost host) : SettingsComponentTest(host)
{
    [Fact]
    public async Task ImportingACsv_SavesTheValidRows_AndListsEachSkippedRowWithItsReason()
    {
        var dialogs = RenderProviders();
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<CustomerImportDialog>("Import customers from CSV"));
        dialogs.WaitForElement("[data-testid=import-dialog]");

        const string csv = """
            name,domains,contact_email,contact_name,champion
            Initech,initech.com;initech.co.uk,bill@initech.com,Bill Lumbergh,yes
            Initech,,peter@initech.com,Peter Gibbons,no
            ,foo.com,,,
            Globex,gmail.com,,,
            """;
        dialogs.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(csv, "customers.csv"));

        dialogs.WaitForAssertion(() => Assert.Contains("4 rows read: 1 customer created", dialogs.Find("[data-testid=import-summary]").TextContent, StringComparison.Ordinal));
        var summary = dialogs.Find("[data-testid=import-summary]").TextContent;
        Assert.Contains("2 domains and 2 contacts added", summary, StringComparison.Ordinal);
        Assert.Contains("2 rows were skipped", summary, StringComparison.Ordinal);
        var errors = dialogs.FindAll("[data-testid=import-errors] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("4", errors[0], StringComparison.Ordinal);
        Assert.Contains("A customer name is required", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("5", errors[1], StringComparison.Ordinal);
        Assert.Contains("free-mail domain", errors[1], StringComparison.Ordinal);

        var initech = (await Get<CustomerService>().ListAsync("initech")).Items.Single();
        Assert.Equal(["initech.co.uk", "initech.com"], initech.Domains);
        var contacts = await Get<ContactService>().ListAsync(initech.Id);
        Assert.Equal([("bill@initech.com", true), ("peter@initech.com", false)], contacts.Select(c => (c.Email, c.IsChampion)));
    }
}
