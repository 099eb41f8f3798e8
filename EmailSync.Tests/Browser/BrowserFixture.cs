using EmailSync.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmailSync.Tests.Browser;

/// <summary>
/// The real app on loopback plus Debian's Chromium driven by Playwright (headless). Playwright's own
/// browser download is not used: <c>/usr/bin/chromium</c> is (`.ci/run` installs it when missing).
/// </summary>
public sealed class BrowserFixture : WebAppFactory
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    // Enough generated mail that every demo mailbox has recent alias traffic to import.
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["GmailEmulator:MessagesPerMailbox"] = "300",
    };

    public IBrowser Browser { get; private set; } = null!;

    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Browser tests need Chromium at {ChromiumPath}: run `apt-get install -y chromium` (bash .ci/run does).");
        }

        // The suite shares two cores with everything else: give expectations room before they fail.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with a 1440×900 page.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Runs a browser flow; when it fails, saves a screenshot named after the test first.</summary>
    public async Task RunAsync(string name, Func<IPage, Task> flow)
    {
        var page = await NewPageAsync();
        try
        {
            await flow(page);
        }
        catch
        {
            Directory.CreateDirectory(ScreenshotFolder);
            var path = Path.Combine(ScreenshotFolder, $"{name}-failure.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            Console.Error.WriteLine($"Screenshot of the failure: {path}");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    public async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/customers");
    }

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
