using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using EmailSync.Core.Mime;

namespace EmailSync.Tests.Mime;

public sealed class EmailHtmlSanitizerTests
{
    private static readonly HashSet<string> AllowedOutputTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption",
        "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "dir", "div", "dl", "dt", "em",
        "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins",
        "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
        "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
        "tr", "tt", "u", "ul", "var", "wbr",
    };

    private static readonly string[] ForbiddenFragments =
    [
        "<script", "<iframe", "<object", "<embed", "<form", "<input", "<button", "<meta", "<link", "<base", "<svg",
        "<math", "<style", "<video", "<audio", "<source", "<template", "<noscript", "<isindex", "<frame", "<applet",
        "javascript:", "vbscript:", "expression(", "-moz-binding", "behavior:", "srcdoc", "xlink:href", "data:text",
        "formaction", "@import", "url(",
    ];

    private readonly EmailHtmlSanitizer _sanitizer = EmailHtmlSanitizer.Shared;

    public static TheoryData<string> XssVectors => new()
    {
        "<script>alert(1)</script>SAFE",
        "<SCRIPT>alert(1)</SCRIPT>SAFE",
        "<ScRiPt src=//evil.example/x.js></ScRiPt>SAFE",
        "<scr<script>ipt>alert(1)</script>SAFE",
        "<img src=x onerror=alert(1)>SAFE",
        "<IMG SRC=\"javascript:alert('XSS');\">SAFE",
        "<img src=\"jav&#x09;ascript:alert(1)\">SAFE",
        "<a href=\"javascript:alert(1)\">SAFE</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">SAFE</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">SAFE</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">SAFE</a>",
        "<a href=\"  javascript:alert(1)\">SAFE</a>",
        "<a href=\"java\nscript:alert(1)\">SAFE</a>",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">SAFE</a>",
        "<a href=\"vbscript:msgbox(1)\">SAFE</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">SAFE</a>",
        "<svg onload=alert(1)></svg>SAFE",
        "<svg><script>alert(1)</script></svg>SAFE",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>SAFE",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>SAFE",
        "<math href=\"javascript:alert(1)\">SAFE</math>",
        "<iframe src=\"https://evil.example\"></iframe>SAFE",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>SAFE",
        "<object data=\"https://evil.example/x.swf\"></object>SAFE",
        "<embed src=\"https://evil.example/x.swf\">SAFE",
        "<form action=\"https://evil.example\"><input name=p><button>Go</button></form>SAFE",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">SAFE",
        "<base href=\"https://evil.example/\">SAFE",
        "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">SAFE",
        "<div style=\"background:url(javascript:alert(1))\">SAFE</div>",
        "<div style=\"width: expression(alert(1))\">SAFE</div>",
        "<div style=\"-moz-binding:url(https://evil.example/x.xml#xss)\">SAFE</div>",
        "<div style=\"behavior: url(x.htc)\">SAFE</div>",
        "<div style=\"background-image: u\\72l(https://evil.example/t.png)\">SAFE</div>",
        "<details open ontoggle=alert(1)>SAFE</details>",
        "<body onload=alert(1)>SAFE</body>",
        "<input autofocus onfocus=alert(1)>SAFE",
        "<video><source onerror=alert(1)></video>SAFE",
        "<audio src=x onerror=alert(1)></audio>SAFE",
        "<style>@import 'https://evil.example/x.css';</style>SAFE",
        "<style>body{display:none}</style>SAFE",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">SAFE",
        "<template><script>alert(1)</script></template>SAFE",
        "<isindex action=javascript:alert(1) type=image>SAFE",
        "<p onclick=\"alert(1)\" onmouseover=alert(1)>SAFE</p>",
        "<table background=\"javascript:alert(1)\"><tr><td>SAFE</td></tr></table>",
        "<img src=\"x\" srcset=\"https://evil.example/a.png 1x\">SAFE",
        "<a href=\"#\" style=\"position:fixed;top:0;left:0;width:100%;height:100%;z-index:9999\">SAFE</a>",
        "<div id=\"app\" class=\"mud-overlay\" name=\"x\">SAFE</div>",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">SAFE",
        "<frameset><frame src=\"javascript:alert(1)\"></frameset>SAFE",
        "<applet code=\"x.class\">SAFE</applet>",
        "<!--<img src=x onerror=alert(1)>-->SAFE",
        "<![CDATA[<script>alert(1)</script>]]>SAFE",
        "<xss onafterscriptexecute=alert(1)>SAFE</xss>",
        "<a href=\"https://ok.example\" formaction=\"javascript:alert(1)\">SAFE</a>",
        "<div style=\"background:url('https://tracker.example/p.gif')\">SAFE</div>",
        "<marquee onstart=alert(1)>SAFE</marquee>",
        "<select onfocus=alert(1) autofocus><option>x</option></select>SAFE",
        "<textarea onfocus=alert(1) autofocus>x</textarea>SAFE",
        "<keygen autofocus onfocus=alert(1)>SAFE",
    };

    [Theory]
    [MemberData(nameof(XssVectors))]
    public void Sanitize_RemovesXssVector_AndKeepsSafeText(string html)
    {
        var result = _sanitizer.Sanitize("<p>KEEP</p>" + html);

        AssertSafe(result.Html);
        Assert.Contains("<p>KEEP</p>", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_KeepsOrdinaryEmailFormatting()
    {
        var html = """<table width="600" cellpadding="0" style="border-collapse:collapse"><tr><td align="center" style="color:#333;font-family:Arial;padding:8px">Hello <b>Maria</b>, <i>welcome</i></td></tr></table><ul><li>One</li></ul><blockquote>quoted</blockquote>""";

        var result = _sanitizer.Sanitize(html);

        Assert.Contains("<table", result.Html, StringComparison.Ordinal);
        Assert.Contains("color: rgba(51, 51, 51, 1)", result.Html, StringComparison.Ordinal);
        Assert.Contains("padding: 8px", result.Html, StringComparison.Ordinal);
        Assert.Contains("<b>Maria</b>", result.Html, StringComparison.Ordinal);
        Assert.Contains("<li>One</li>", result.Html, StringComparison.Ordinal);
        Assert.Contains("<blockquote>quoted</blockquote>", result.Html, StringComparison.Ordinal);
        AssertSafe(result.Html);
    }

    [Fact]
    public void Sanitize_KeepsTextOfUnknownWrapperElements()
    {
        var result = _sanitizer.Sanitize("<p>Meet at <st1:place>Lisbon office</st1:place><o:p>&nbsp;</o:p></p><marquee>moving text</marquee>");

        Assert.Contains("Meet at Lisbon office", result.Html, StringComparison.Ordinal);
        Assert.Contains("moving text", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("st1:place", result.Html, StringComparison.Ordinal);
        AssertSafe(result.Html);
    }

    [Fact]
    public void Sanitize_DropsScriptAndStyleContent_NotJustTheTags()
    {
        var result = _sanitizer.Sanitize("<p>Hi</p><script>var secret = 1;</script><style>.x{color:red}</style><svg><text>svg text</text></svg>");

        Assert.Equal("<p>Hi</p>", result.Html);
    }

    [Fact]
    public void Sanitize_RemovesNegativeMargins_ThatCouldOverlapTheApp()
    {
        var result = _sanitizer.Sanitize("<div style=\"margin-top:-400px;color:red\">a</div><div style=\"margin: 0 -10px\">b</div><div style=\"margin: 4px\">c</div>");

        var divs = Parse(result.Html).QuerySelectorAll("div");
        Assert.Equal("color: rgba(255, 0, 0, 1)", divs[0].GetAttribute("style"));
        Assert.False(divs[1].HasAttribute("style"));
        Assert.Equal("margin: 4px", divs[2].GetAttribute("style"));
    }

    [Fact]
    public void Sanitize_OpensLinksInNewTab_WithoutReferrerOrOpener()
    {
        var result = _sanitizer.Sanitize("<a href=\"https://acme.com/pricing\" target=\"_self\">pricing</a>");

        var link = Parse(result.Html).QuerySelector("a")!;
        Assert.Equal("https://acme.com/pricing", link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }

    [Fact]
    public void Sanitize_DropsRelativeLinksThatWouldPointIntoTheApp()
    {
        var result = _sanitizer.Sanitize("<a href=\"/admin/users/delete\">x</a><a href=\"//evil.example/\">y</a>");

        Assert.DoesNotContain("href", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_KeepsMailtoAndTelLinks()
    {
        var result = _sanitizer.Sanitize("<a href=\"mailto:maria@globex.com\">mail</a> <a href=\"tel:+5511555\">call</a>");

        Assert.Contains("href=\"mailto:maria@globex.com\"", result.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"tel:+5511555\"", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_BlocksRemoteImagesByDefault_KeepingAltAndPlaceholder()
    {
        var result = _sanitizer.Sanitize("<p>Logo</p><img src=\"https://cdn.globex.com/logo.png\" alt=\"Globex logo\" width=\"120\"><img src=\"http://cdn.globex.com/b.png\">");

        Assert.Equal(2, result.BlockedRemoteImages);
        var images = Parse(result.Html).QuerySelectorAll("img");
        Assert.Equal(2, images.Length);
        Assert.All(images, img => Assert.False(img.HasAttribute("src")));
        Assert.Equal("https://cdn.globex.com/logo.png", images[0].GetAttribute("data-blocked-src"));
        Assert.Equal("Globex logo", images[0].GetAttribute("alt"));
        Assert.Equal("[image]", images[1].GetAttribute("alt"));
    }

    [Fact]
    public void Sanitize_ShowsRemoteImages_WhenAsked()
    {
        var result = _sanitizer.Sanitize("<img src=\"https://cdn.globex.com/logo.png\" alt=\"logo\">", new SanitizeOptions { ShowRemoteImages = true });

        Assert.Equal(0, result.BlockedRemoteImages);
        var img = Parse(result.Html).QuerySelector("img")!;
        Assert.Equal("https://cdn.globex.com/logo.png", img.GetAttribute("src"));
        Assert.Equal("no-referrer", img.GetAttribute("referrerpolicy"));
    }

    [Fact]
    public void Sanitize_RemovesTrackingPixels_EvenWhenImagesAreShown()
    {
        const string Html = "<p>Hi</p><img src=\"https://t.example/open?id=1\" width=\"1\" height=\"1\"><img src=\"https://t.example/o2\" style=\"width:1px;height:1px\">";

        var blocked = _sanitizer.Sanitize(Html);
        var shown = _sanitizer.Sanitize(Html, new SanitizeOptions { ShowRemoteImages = true });

        Assert.DoesNotContain("<img", blocked.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", shown.Html, StringComparison.Ordinal);
        Assert.Equal(0, blocked.BlockedRemoteImages);
    }

    [Fact]
    public void Sanitize_ResolvesCidImagesThroughCallback()
    {
        var options = new SanitizeOptions
        {
            ResolveContentId = cid => cid == "logo@acme" ? "/attachments/42/inline/logo%40acme" : null,
        };

        var result = _sanitizer.Sanitize("<img src=\"cid:logo@acme\" alt=\"logo\"><img src=\"cid:unknown@acme\" alt=\"missing\">", options);

        var images = Parse(result.Html).QuerySelectorAll("img");
        Assert.Equal("/attachments/42/inline/logo%40acme", images[0].GetAttribute("src"));
        Assert.False(images[1].HasAttribute("src"));
        Assert.Equal("missing", images[1].GetAttribute("alt"));
        Assert.Equal(0, result.BlockedRemoteImages);
    }

    [Fact]
    public void Sanitize_DropsCidImages_WithoutResolver()
    {
        var result = _sanitizer.Sanitize("<img src=\"cid:logo@acme\" alt=\"logo\">");

        Assert.DoesNotContain("src=", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_IgnoresUnsafeUrlsFromCidResolver()
    {
        var options = new SanitizeOptions { ResolveContentId = _ => "javascript:alert(1)" };

        var result = _sanitizer.Sanitize("<img src=\"cid:x\">", options);

        AssertSafe(result.Html);
        Assert.DoesNotContain("src=", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_KeepsSafeDataImages_OnImgOnly()
    {
        const string Png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

        var result = _sanitizer.Sanitize($"<img src=\"{Png}\" alt=\"dot\"><a href=\"{Png}\">link</a>");

        var doc = Parse(result.Html);
        Assert.Equal(Png, doc.QuerySelector("img")!.GetAttribute("src"));
        Assert.False(doc.QuerySelector("a")!.HasAttribute("href"));
    }

    [Fact]
    public void Sanitize_DropsRelativeAndSchemeRelativeImageSources()
    {
        var result = _sanitizer.Sanitize("<img src=\"/api/logout\"><img src=\"//evil.example/x.png\">");

        Assert.DoesNotContain("src=", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_EmptyInput_GivesEmptyOutput()
    {
        Assert.Equal(new SanitizedHtml("", 0), _sanitizer.Sanitize(null));
        Assert.Equal(new SanitizedHtml("", 0), _sanitizer.Sanitize("   "));
    }

    [Fact]
    public void Sanitize_FullDocument_ReturnsBodyContentOnly()
    {
        var result = _sanitizer.Sanitize("<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body><p>Body text</p></body></html>");

        Assert.Equal("<p>Body text</p>", result.Html);
    }

    [Fact]
    public void Sanitize_TruncatesGiantInput_AndStaysSafe()
    {
        var html = string.Concat(Enumerable.Repeat("<div style=\"color:red\"><p>Lorem <b>ipsum</b> <img src=\"https://x.example/i.png\"></p></div>", 40_000));

        var result = _sanitizer.Sanitize(html, new SanitizeOptions { MaxInputChars = 500_000 });

        Assert.True(result.Truncated);
        Assert.True(result.BlockedRemoteImages > 1000);
        AssertSafe(result.Html);
    }

    [Fact]
    public void Sanitize_IsThreadSafe_UnderParallelUse()
    {
        var outputs = new string[200];
        Parallel.For(0, outputs.Length, i =>
            outputs[i] = _sanitizer.Sanitize($"<p onclick=x()>n{i}</p><img src=\"https://a.example/{i}.png\">").Html);

        for (var i = 0; i < outputs.Length; i++)
        {
            Assert.Contains($"n{i}", outputs[i], StringComparison.Ordinal);
            AssertSafe(outputs[i]);
        }
    }

    /// <summary>Structural check: re-parse the output and verify tags, attributes, URLs and styles.</summary>
    private static void AssertSafe(string html)
    {
        foreach (var fragment in ForbiddenFragments)
        {
            Assert.DoesNotContain(fragment, html, StringComparison.OrdinalIgnoreCase);
        }

        var document = Parse(html);
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, AllowedOutputTags);
            foreach (var attribute in element.Attributes)
            {
                var name = attribute.Name.ToLowerInvariant();
                Assert.False(name.StartsWith("on", StringComparison.Ordinal), $"event handler {name} survived");
                Assert.DoesNotContain(name, (string[])["id", "class", "name", "srcset", "background", "action", "formaction", "xmlns", "srcdoc"]);
                if (name is "href" or "src" or "cite")
                {
                    var value = new string(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray()).ToLowerInvariant();
                    Assert.True(
                        value.StartsWith("http://", StringComparison.Ordinal) || value.StartsWith("https://", StringComparison.Ordinal)
                        || value.StartsWith("mailto:", StringComparison.Ordinal) || value.StartsWith("tel:", StringComparison.Ordinal)
                        || value.StartsWith("data:image/png;", StringComparison.Ordinal) || value.StartsWith("data:image/gif;", StringComparison.Ordinal)
                        || value.StartsWith("data:image/jpeg;", StringComparison.Ordinal) || value.StartsWith("data:image/webp;", StringComparison.Ordinal)
                        || (value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal)),
                        $"unsafe url {attribute.Value}");
                }

                if (name == "style")
                {
                    var value = attribute.Value.ToLowerInvariant();
                    foreach (var bad in (string[])["url(", "expression", "javascript", "binding", "behavior", "position", "z-index", "\\"])
                    {
                        Assert.DoesNotContain(bad, value, StringComparison.Ordinal);
                    }
                }
            }
        }
    }

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + html + "</body></html>");
}
