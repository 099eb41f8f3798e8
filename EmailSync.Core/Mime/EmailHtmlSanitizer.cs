using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Dom;
using Ganss.Xss;

namespace EmailSync.Core.Mime;

/// <summary>Makes email HTML safe to render inside the app (see <see cref="EmailHtmlSanitizer"/>).</summary>
public interface IEmailHtmlSanitizer
{
    /// <summary>Sanitises <paramref name="html"/>; null options mean remote images blocked and cid: dropped.</summary>
    SanitizedHtml Sanitize(string? html, SanitizeOptions? options = null);
}

/// <summary>Per-call choices for <see cref="EmailHtmlSanitizer.Sanitize"/>.</summary>
public sealed record SanitizeOptions
{
    /// <summary>Load remote (http/https) images. Off by default: they are blocked and counted.</summary>
    public bool ShowRemoteImages { get; init; }

    /// <summary>
    /// Maps a <c>cid:</c> reference (without the scheme, unescaped) to the URL of the stored inline attachment, or
    /// null when it is unknown; unresolved <c>cid:</c> references are dropped. Only http(s) or root-relative
    /// ("/...") URLs returned here are used.
    /// </summary>
    public Func<string, string?>? ResolveContentId { get; init; }

    /// <summary>Input beyond this many characters is cut before sanitising (bounds the work for giant bodies).</summary>
    public int MaxInputChars { get; init; } = 1024 * 1024;
}

/// <summary>The result of <see cref="EmailHtmlSanitizer.Sanitize"/>.</summary>
/// <param name="Html">Markup safe to render with <c>MarkupString</c> inside the app's page.</param>
/// <param name="BlockedRemoteImages">Remote images not loaded (for a "show images" prompt); tracking pixels not counted.</param>
/// <param name="Truncated">The input was longer than <see cref="SanitizeOptions.MaxInputChars"/> and was cut.</param>
public sealed record SanitizedHtml(string Html, int BlockedRemoteImages, bool Truncated = false);

/// <summary>
/// Allow-list sanitiser for email HTML rendered inside the Blazor page (DESIGN §8), on the HtmlSanitizer package.
/// Configured once and safe to share between threads (register as a singleton).
/// <list type="bullet">
/// <item>No scripts, styles blocks, frames, objects, forms, SVG/MathML, meta/link/base; no <c>on*</c>, <c>class</c> or
/// <c>id</c> attributes (email CSS classes are meaningless here and ids could clobber the page's DOM).</item>
/// <item>Links only to http(s), mailto and tel, opened in a new tab with <c>rel="noopener noreferrer nofollow"</c>.</item>
/// <item>Images only from <c>cid:</c> (resolved to our attachment URL), <c>data:image/(png|gif|jpeg|webp)</c> and, when
/// asked, http(s); blocked images keep their alt text and a <c>data-blocked-src</c> attribute; 1×1 trackers are removed.</item>
/// <item>Inline CSS only for a list of layout/typography properties that cannot escape the message's box (no
/// position, z-index, transforms); any <c>url(</c>, <c>expression(</c>, escapes or bindings drop the declaration.</item>
/// </list>
/// </summary>
public sealed partial class EmailHtmlSanitizer : IEmailHtmlSanitizer
{
    private static readonly string[] AllowedTags =
    [
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption",
        "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "dir", "div", "dl", "dt", "em",
        "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins",
        "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
        "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
        "tr", "tt", "u", "ul", "var", "wbr",
    ];

    private static readonly string[] AllowedAttributes =
    [
        "abbr", "align", "alt", "bgcolor", "border", "cellpadding", "cellspacing", "cite", "clear", "color", "cols",
        "colspan", "compact", "datetime", "dir", "face", "headers", "height", "href", "hspace", "lang", "noshade",
        "nowrap", "open", "reversed", "rowspan", "rules", "scope", "size", "span", "src", "start", "style", "summary",
        "title", "type", "valign", "value", "vspace", "width",
    ];

    private static readonly string[] AllowedCssProperties =
    [
        "background-color", "border", "border-bottom", "border-bottom-color", "border-bottom-left-radius",
        "border-bottom-right-radius", "border-bottom-style", "border-bottom-width", "border-collapse", "border-color",
        "border-left", "border-left-color", "border-left-style", "border-left-width", "border-radius", "border-right",
        "border-right-color", "border-right-style", "border-right-width", "border-spacing", "border-style", "border-top",
        "border-top-color", "border-top-left-radius", "border-top-right-radius", "border-top-style", "border-top-width",
        "border-width", "caption-side", "clear", "color", "direction", "display", "empty-cells", "float", "font",
        "font-family", "font-size", "font-style", "font-variant", "font-weight", "height", "letter-spacing",
        "line-height", "list-style-position", "list-style-type", "margin", "margin-bottom", "margin-left", "margin-right",
        "margin-top", "max-height", "max-width", "min-height", "min-width", "opacity", "overflow", "overflow-wrap",
        "padding", "padding-bottom", "padding-left", "padding-right", "padding-top", "table-layout", "text-align",
        "text-decoration", "text-decoration-color", "text-decoration-line", "text-decoration-style", "text-indent",
        "text-transform", "unicode-bidi", "vertical-align", "visibility", "white-space", "width", "word-break",
        "word-spacing", "word-wrap",
    ];

    private static readonly HashSet<string> DropWithContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "template", "noscript", "noembed", "noframes", "iframe", "frame", "frameset", "object",
        "embed", "applet", "param", "svg", "math", "video", "audio", "picture", "canvas", "select", "option",
        "datalist", "textarea", "button", "input", "title", "head", "xml", "xmp", "plaintext", "meta", "link", "base",
    };

    private readonly HtmlSanitizer _sanitizer;

    public EmailHtmlSanitizer()
    {
        var options = HtmlSanitizerOptions.Empty();
        foreach (var tag in AllowedTags)
        {
            options.AllowedTags.Add(tag);
        }

        foreach (var attribute in AllowedAttributes)
        {
            options.AllowedAttributes.Add(attribute);
        }

        foreach (var property in AllowedCssProperties)
        {
            options.AllowedCssProperties.Add(property);
        }

        foreach (var scheme in (ReadOnlySpan<string>)["http", "https", "mailto", "tel", "cid"])
        {
            options.AllowedSchemes.Add(scheme);
        }

        foreach (var attribute in (ReadOnlySpan<string>)["href", "src", "cite", "action", "background", "longdesc", "usemap", "poster", "formaction", "xlink:href"])
        {
            options.UriAttributes.Add(attribute);
        }

        options.AllowDataAttributes = false;
        options.AllowCssCustomProperties = false;

        _sanitizer = new HtmlSanitizer(options)
        {
            KeepChildNodes = true,
            DisallowCssPropertyValue = UnsafeCssValueRegex(),
        };
        _sanitizer.FilterUrl += (_, e) =>
        {
            // data: URLs survive only as inline raster images.
            if (e.OriginalUrl is { } url && e.Tag.NodeName.Equals("IMG", StringComparison.OrdinalIgnoreCase)
                && SafeDataImageRegex().IsMatch(url))
            {
                e.SanitizedUrl = url;
            }
        };
    }

    /// <summary>A shared instance (the configuration never changes after construction).</summary>
    public static EmailHtmlSanitizer Shared { get; } = new();

    public SanitizedHtml Sanitize(string? html, SanitizeOptions? options = null)
    {
        options ??= new SanitizeOptions();
        if (string.IsNullOrWhiteSpace(html))
        {
            return new SanitizedHtml("", 0);
        }

        var truncated = false;
        if (html.Length > options.MaxInputChars)
        {
            html = html[..Math.Max(0, options.MaxInputChars)];
            truncated = true;
        }

        using var document = _sanitizer.HtmlParserFactory().ParseDocument(html);
        var body = document.Body;
        if (body is null)
        {
            return new SanitizedHtml("", 0, truncated);
        }

        // Unknown wrappers (Outlook's <o:p>, smart tags, <marquee>) keep their text, but these go with everything
        // inside them: their content is code, foreign markup or form controls, never message text.
        var doomed = body.Descendants<IElement>().Where(e => DropWithContent.Contains(e.LocalName)).ToList();
        foreach (var element in doomed)
        {
            element.Remove();
        }

        _sanitizer.SanitizeDom(document, body);

        var blocked = 0;
        foreach (var image in body.QuerySelectorAll("img").ToList())
        {
            blocked += ProcessImage(image, options);
        }

        foreach (var link in body.QuerySelectorAll("a").ToList())
        {
            ProcessLink(link, options);
        }

        foreach (var styled in body.QuerySelectorAll("[style]").ToList())
        {
            RemoveNegativeMargins(styled);
        }

        var output = body.ChildNodes.ToHtml(HtmlSanitizer.DefaultOutputFormatter);
        return new SanitizedHtml(output, blocked, truncated);
    }

    /// <summary>Applies the image policy to one sanitised img; returns 1 when a remote image was blocked.</summary>
    private static int ProcessImage(IElement image, SanitizeOptions options)
    {
        var src = image.GetAttribute("src")?.Trim();
        if (string.IsNullOrEmpty(src))
        {
            image.RemoveAttribute("src");
            return 0;
        }

        if (src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
        {
            var resolved = ResolveCid(src, options);
            if (resolved is null)
            {
                image.RemoveAttribute("src");
            }
            else
            {
                image.SetAttribute("src", resolved);
            }

            return 0;
        }

        if (src.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return 0; // only safe raster data URLs survive the sanitiser
        }

        var isRemote = src.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || src.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (!isRemote)
        {
            // Relative or scheme-relative URLs would load from our own origin (or elsewhere): never.
            image.RemoveAttribute("src");
            return 0;
        }

        if (IsTrackingPixel(image))
        {
            image.Remove();
            return 0;
        }

        if (options.ShowRemoteImages)
        {
            image.SetAttribute("referrerpolicy", "no-referrer");
            return 0;
        }

        image.RemoveAttribute("src");
        image.SetAttribute("data-blocked-src", src);
        if (!image.HasAttribute("alt"))
        {
            image.SetAttribute("alt", "[image]");
        }

        return 1;
    }

    private static void ProcessLink(IElement link, SanitizeOptions options)
    {
        var href = link.GetAttribute("href")?.Trim();
        if (!string.IsNullOrEmpty(href))
        {
            if (href.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                var resolved = ResolveCid(href, options);
                if (resolved is null)
                {
                    link.RemoveAttribute("href");
                }
                else
                {
                    link.SetAttribute("href", resolved);
                }
            }
            else if (!(href.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                       || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                       || href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
                       || href.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)))
            {
                // Relative links would point into the app itself.
                link.RemoveAttribute("href");
            }
        }

        link.SetAttribute("target", "_blank");
        link.SetAttribute("rel", "noopener noreferrer nofollow");
    }

    /// <summary>Negative margins would let a message's box overlap the app's own UI around it (spoofing).</summary>
    private static void RemoveNegativeMargins(IElement element)
    {
        var style = element.GetAttribute("style");
        if (style is null || !style.Contains("margin", StringComparison.OrdinalIgnoreCase) || !NegativeMarginRegex().IsMatch(style))
        {
            return;
        }

        var cleaned = NegativeMarginRegex().Replace(style, "").Trim().Trim(';').Trim();
        if (cleaned.Length == 0)
        {
            element.RemoveAttribute("style");
        }
        else
        {
            element.SetAttribute("style", cleaned);
        }
    }

    private static string? ResolveCid(string reference, SanitizeOptions options)
    {
        if (options.ResolveContentId is null)
        {
            return null;
        }

        var cid = Uri.UnescapeDataString(reference[4..]).Trim().Trim('<', '>');
        if (cid.Length == 0)
        {
            return null;
        }

        var url = options.ResolveContentId(cid)?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        var safe = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal));
        return safe ? url : null;
    }

    private static bool IsTrackingPixel(IElement image)
    {
        static bool Tiny(string? value) =>
            value is not null && int.TryParse(value.Trim().TrimEnd('x', 'p', 'X', 'P'), out var n) && n <= 1;

        if (Tiny(image.GetAttribute("width")) && Tiny(image.GetAttribute("height")))
        {
            return true;
        }

        var style = image.GetAttribute("style");
        return style is not null && TinyStyleRegex().Count(style) >= 2;
    }

    [GeneratedRegex(@"[<>\\]|url\s*\(|expression\s*\(|image-set\s*\(|image\s*\(|element\s*\(|javascript\s*:|vbscript\s*:|data\s*:|-moz-binding|behavior\s*:|@import", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnsafeCssValueRegex();

    [GeneratedRegex(@"^data:image/(?:png|gif|jpeg|jpg|webp);base64,[A-Za-z0-9+/=\s]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SafeDataImageRegex();

    [GeneratedRegex(@"(?<=^|;)\s*margin(?:-(?:top|right|bottom|left))?\s*:[^;]*-\s*[\d.][^;]*;?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NegativeMarginRegex();

    [GeneratedRegex(@"(?:^|;)\s*(?:width|height)\s*:\s*[01](?:\.0+)?px", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TinyStyleRegex();
}
