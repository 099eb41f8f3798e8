using EmailSync.Web.Hosting;
using System.Net;
using System.Text.RegularExpressions;

namespace EmailSync.Tests.Infrastructure;

/// <summary>The demo accounts, and signing in through the real login form over HTTP.</summary>
public static partial class Accounts
{
    public static string Admin => DemoOptions.Users[0].Email;
    public static string Csm => DemoOptions.Users[1].Email;
    public static string Password => DemoOptions.Password;

    /// <summary>A cookie-keeping client that does not follow redirects, so tests can assert them.</summary>
    public static HttpClient CreateCookieClient(this WebAppFactory factory) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = factory.BaseAddress,
        };

    /// <summary>Posts the login form as a browser would (antiforgery token included).</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(this HttpClient client, string email, string password)
    {
        var token = await GetAntiforgeryTokenAsync(client, "/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public static async Task<HttpClient> SignedInClientAsync(this WebAppFactory factory, string email)
    {
        var client = factory.CreateCookieClient();
        var response = await client.PostLoginAsync(email, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public static async Task<string> GetAntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = TokenInput().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
