using System.Text;
using EmailSync.Core.Mime;

namespace EmailSync.Tests.Mime;

public sealed class HtmlToTextTests
{
    [Fact]
    public void Convert_TurnsBlocksIntoLinesAndParagraphs()
    {
        var text = HtmlToText.Convert("<h1>Title</h1><p>First paragraph.</p><div>Line one</div><div>Line two<br>Line three</div>");

        Assert.Equal("Title\n\nFirst paragraph.\n\nLine one\nLine two\nLine three", text);
    }

    [Fact]
    public void Convert_CollapsesWhitespace()
    {
        Assert.Equal("a b c", HtmlToText.Convert("  a \n\n\t b     c  "));
    }

    [Fact]
    public void Convert_DecodesEntities()
    {
        Assert.Equal("Tom & Jerry <3 café € \"x\" '", HtmlToText.Convert("Tom &amp; Jerry &lt;3 caf&eacute; &#8364; &quot;x&quot; &#x27;"));
    }

    [Fact]
    public void Convert_DropsScriptsStylesAndComments()
    {
        var text = HtmlToText.Convert("<style>p{color:red}</style><script>alert('x')</script><!-- hidden --><!--[if mso]>mso<![endif]--><p>Visible</p><title>T</title>");

        Assert.Equal("Visible", text);
    }

    [Fact]
    public void Convert_RendersLinksWithUrlOnlyWhenDifferent()
    {
        var text = HtmlToText.Convert("<a href=\"https://acme.com/pricing\">our pricing</a> and <a href=\"https://acme.com\">acme.com</a> and <a href=\"mailto:a@acme.com\">a@acme.com</a> and <a href=\"javascript:x()\">bad</a>");

        Assert.Equal("our pricing (https://acme.com/pricing) and acme.com and a@acme.com and bad", text);
    }

    [Fact]
    public void Convert_RendersUnorderedAndOrderedLists()
    {
        var text = HtmlToText.Convert("<p>Steps:</p><ol><li>One</li><li>Two<ul><li>Nested</li></ul></li></ol><ul><li>Dot</li></ul>");

        Assert.Equal("Steps:\n\n1. One\n2. Two\n  - Nested\n\n- Dot", text);
    }

    [Fact]
    public void Convert_PrefixesBlockquotes()
    {
        var text = HtmlToText.Convert("<p>Reply</p><blockquote><p>Quoted one</p><p>Quoted two</p></blockquote>");

        Assert.Equal("Reply\n\n> Quoted one\n>\n> Quoted two", text);
    }

    [Fact]
    public void Convert_PreservesPreformattedText()
    {
        Assert.Equal("code:\n\nline 1\n    indented", HtmlToText.Convert("code:<pre>line 1\n    indented</pre>"));
    }

    [Fact]
    public void Convert_SeparatesTableCells()
    {
        Assert.Equal("Name Qty\nWidget 3", HtmlToText.Convert("<table><tr><td>Name</td><td>Qty</td></tr><tr><td>Widget</td><td>3</td></tr></table>"));
    }

    [Theory]
    [InlineData("<p>unclosed <b>bold <i>italic")]
    [InlineData("<<<>>> < p > text")]
    [InlineData("<a href='unterminated>text")]
    [InlineData("<!-- never closed")]
    [InlineData("<script>never closed")]
    [InlineData("</p></div></blockquote></ul>")]
    [InlineData("&#xFFFFFFFF; &bogus; &")]
    public void Convert_MalformedHtml_NeverThrows(string html)
    {
        var text = HtmlToText.Convert(html);

        Assert.NotNull(text);
    }

    [Fact]
    public void Convert_HandlesMegabytesOfNestedMarkup()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 50_000; i++)
        {
            sb.Append("<div><blockquote><table><tr><td><span>x</span>");
        }

        var text = HtmlToText.Convert(sb.ToString());

        Assert.Contains('x', text);
    }

    [Fact]
    public void Convert_RespectsMaxChars()
    {
        var html = string.Concat(Enumerable.Repeat("<p>paragraph text</p>", 10_000));

        Assert.True(HtmlToText.Convert(html, maxChars: 1000).Length <= 1000);
    }

    [Fact]
    public void Convert_DropsZeroWidthPreheaderPadding()
    {
        Assert.Equal("Sale today", HtmlToText.Convert("Sale today&#8203;&zwnj;&nbsp;&#847;"));
    }
}
