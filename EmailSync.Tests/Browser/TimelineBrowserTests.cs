using EmailSync.Core.Customers;
using EmailSync.Core.Gmail;
using EmailSync.Tests.Infrastructure;
using EmailSync.Tests.Replies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace EmailSync.Tests.Browser;

/// <summary>The real app with its emulator (sync driven by the test) and Debian's Chromium through Playwright.</summary>
public sealed class TimelineBrowserFixture : ReplyAppFactory
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots of the timeline and the composer, kept after the run to be looked at.</summary>
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", "timeline");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(BrowserFixture.ChromiumPath))
        {
            throw new InvalidOperationException($"Browser tests need Chromium at {BrowserFixture.ChromiumPath}: run `apt-get install -y chromium` (bash .ci/run does).");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task RunAsync(string name, Func<IPage, Task> flow, int width = 1440, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = "America/Sao_Paulo",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        try
        {
            await flow(page);
        }
        catch
        {
            var path = Path.Combine(ScreenshotFolder, $"{name}-failure.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            Console.Error.WriteLine($"Screenshot of the failure: {path}");
            throw;
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    public Task ScreenshotAsync(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = fullPage });

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>A CSM opens a customer, reads an email, replies, and sees the reply on the timeline — in Chromium.</summary>
public sealed class TimelineBrowserTests(TimelineBrowserFixture app) : IClassFixture<TimelineBrowserFixture>, IAsyncLifetime
{
    private long customerId;

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        await app.Emulator.ClearFaultsAsync();
        var (org, userId) = await app.DemoIdsAsync(ReplyAppFactory.Csm);
        await using (var scope = app.CreateTenantScope(org, userId))
        {
            var customers = scope.ServiceProvider.GetRequiredService<CustomerService>();
            customerId = (await customers.CreateAsync("Acme Corp", [ReplyAppFactory.CustomerDomain])).Id;
            await customers.CreateAsync("Globex", ["globex.example"]);
        }

        await app.DeliverCustomerThreadAsync();
        var connection = await app.ConnectWithScopesAsync(ReplyAppFactory.Csm, GmailScopes.Readonly, GmailScopes.Send);
        await app.SyncToEndAsync(connection);
        await using var db = app.CreateSystemContext();
        await db.Contacts.AddAsync(new Core.Domain.Contact { OrganizationId = org, CustomerId = customerId, Email = $"maria.ortiz@{ReplyAppFactory.CustomerDomain}", Name = "Maria Ortiz", IsChampion = true });
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(Accounts.Csm);
        await page.GetByLabel("Password").FillAsync(Accounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/customers");
    }

    [Fact]
    public Task Csm_OpensCustomer_ReadsEmail_Replies_AndSeesTheReplyOnTheTimeline() => app.RunAsync(nameof(Csm_OpensCustomer_ReadsEmail_Replies_AndSeesTheReplyOnTheTimeline), async page =>
    {
        await SignInAsync(page);
        await Assertions.Expect(page.GetByTestId("customers-table")).ToContainTextAsync("Acme Corp");
        await app.ScreenshotAsync(page, "0-customers");
        await page.GetByTestId("customer-link").Filter(new() { HasText = "Acme Corp" }).ClickAsync();
        await page.WaitForURLAsync($"**/customers/{customerId}");
        await Assertions.Expect(page.GetByTestId("timeline")).ToHaveAttributeAsync("data-ready", "true");
        await Assertions.Expect(page.GetByTestId("champion")).ToContainTextAsync("Maria Ortiz");
        var thread = page.GetByTestId("timeline-thread").First;
        await Assertions.Expect(thread.GetByTestId("thread-count")).ToHaveTextAsync("2");
        await Assertions.Expect(thread.GetByTestId("link-reason")).ToHaveTextAsync($"domain {ReplyAppFactory.CustomerDomain}");
        await app.ScreenshotAsync(page, "1-timeline");

        // Read: the thread expands in place with the newest email open.
        await thread.GetByTestId("email-head").ClickAsync();
        await Assertions.Expect(thread.GetByTestId("email-row")).ToHaveCountAsync(2);
        await Assertions.Expect(thread.GetByTestId("email-body")).ToContainTextAsync("we need an answer by Friday");
        await Assertions.Expect(thread.GetByTestId("attachment")).ToContainTextAsync("terms.pdf");
        await app.ScreenshotAsync(page, "2-email-open");

        // Reply all: the composer, prefilled.
        await thread.GetByTestId("reply-all").ClickAsync();
        var composer = page.Locator(".reply-dialog");
        await Assertions.Expect(composer.GetByTestId("nothing-sent")).ToContainTextAsync("Nothing is sent until you press Send");
        await Assertions.Expect(composer.GetByTestId("composer-to")).ToContainTextAsync("Maria Ortiz");
        await Assertions.Expect(composer.GetByTestId("composer-cc")).ToContainTextAsync("success@northwind.example");
        await composer.GetByTestId("composer-body").FillAsync("Hi Maria,\n\nFriday works for us. I attached nothing; the terms are unchanged.\n\nMaria Souza");
        await app.ScreenshotAsync(page, "3-composer");
        await composer.GetByTestId("send").ClickAsync();

        // At once on the timeline: the thread now holds the reply, sent, and opened.
        await Assertions.Expect(page.Locator(".reply-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(thread.GetByTestId("email-row")).ToHaveCountAsync(3);
        var reply = thread.GetByTestId("email-row").Last;
        await Assertions.Expect(reply.GetByTestId("direction")).ToHaveAttributeAsync("data-direction", "Outbound");
        await Assertions.Expect(reply.GetByTestId("email-body")).ToContainTextAsync("Friday works for us");
        await app.ScreenshotAsync(page, "4-timeline-after-reply", fullPage: true);

        var sent = (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Where(m => m.LabelIds.Contains("SENT")).ToList();
        Assert.Contains(sent, m => m.Subject.StartsWith("Re: Renewal question", StringComparison.Ordinal));
        await using var db = app.CreateSystemContext();
        Assert.Equal(1, await db.EmailMessages.CountAsync(m => m.BodyText != null && m.BodyText.Contains("Friday works for us")));
    });

    [Fact]
    public Task Customer360_OnAPhone_StaysReadable() => app.RunAsync(nameof(Customer360_OnAPhone_StaysReadable), async page =>
    {
        await SignInAsync(page);
        await page.GotoAsync($"/customers/{customerId}");
        await Assertions.Expect(page.GetByTestId("timeline")).ToHaveAttributeAsync("data-ready", "true");
        await page.GetByTestId("timeline-thread").First.GetByTestId("email-head").ClickAsync();
        await Assertions.Expect(page.GetByTestId("email-body").First).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "5-phone", fullPage: true);
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "The page scrolls sideways on a phone.");
    }, width: 390, height: 844);
}
