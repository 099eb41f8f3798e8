using EmailSync.Core.Mime;

namespace EmailSync.Tests.Mime;

public sealed class QuoteStripperTests
{
    [Fact]
    public void Strip_KeepsTextWithoutQuotesIntact()
    {
        const string Text = "Hi team,\n\nThe invoice is attached.\nLet me know if anything is missing.";

        var result = QuoteStripper.Strip(Text);

        Assert.Equal(Text, result.NewText);
        Assert.Equal("", result.QuotedText);
        Assert.Equal("", result.Signature);
    }

    [Fact]
    public void Strip_RemovesEnglishGmailReplyHeaderAndQuote()
    {
        var result = QuoteStripper.Strip("Sounds good.\n\nOn Mon, Mar 2, 2026 at 10:30 AM John Doe <john@acme.com> wrote:\n> Shall we renew?\n>\n> John");

        Assert.Equal("Sounds good.", result.NewText);
        Assert.StartsWith("On Mon, Mar 2, 2026", result.QuotedText, StringComparison.Ordinal);
        Assert.Contains("> Shall we renew?", result.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_HandlesReplyHeaderWrappedOverTwoLines()
    {
        var result = QuoteStripper.Strip("Agreed.\n\nOn Mon, Mar 2, 2026 at 10:30 AM John Doe <\njohn@acme.com> wrote:\n\n> Shall we renew?");

        Assert.Equal("Agreed.", result.NewText);
    }

    [Fact]
    public void Strip_RemovesSpanishReplyHeader()
    {
        var result = QuoteStripper.Strip("Queremos cancelar el servicio.\n\nEl lun, 2 mar 2026 a las 10:30, Juan Pérez (<juan@acme.com>) escribió:\n> ¿Cómo va todo?");

        Assert.Equal("Queremos cancelar el servicio.", result.NewText);
        Assert.Contains("¿Cómo va todo?", result.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_RemovesPortugueseReplyHeader()
    {
        var result = QuoteStripper.Strip("Estamos com problemas no sistema.\n\nEm seg., 2 de mar. de 2026 às 10:30, João Silva <joao@acme.com.br> escreveu:\n> Tudo certo?");

        Assert.Equal("Estamos com problemas no sistema.", result.NewText);
        Assert.Contains("Tudo certo?", result.QuotedText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-----Original Message-----")]
    [InlineData("-----Mensaje original-----")]
    [InlineData("-----Mensagem original-----")]
    [InlineData("---------- Forwarded message ---------")]
    [InlineData("---------- Mensaje reenviado ---------")]
    [InlineData("---------- Mensagem encaminhada ---------")]
    [InlineData("Begin forwarded message:")]
    public void Strip_CutsAtSeparatorLines(string separator)
    {
        var result = QuoteStripper.Strip($"Please see below.\n\n{separator}\nFrom: someone@acme.com\nOld content");

        Assert.Equal("Please see below.", result.NewText);
        Assert.StartsWith(separator, result.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_RemovesOutlookFromSentHeaderBlock()
    {
        var result = QuoteStripper.Strip("Approved.\n\nFrom: Maria Silva <maria@globex.com>\nSent: Monday, March 2, 2026 10:30 AM\nTo: CSM <csm@acme.com>\nSubject: Budget\n\nCan you approve?");

        Assert.Equal("Approved.", result.NewText);
        Assert.Contains("Can you approve?", result.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_RemovesSpanishOutlookHeaderBlock_AfterUnderscoreRule()
    {
        var result = QuoteStripper.Strip("Confirmado.\n\n________________________________\nDe: Juan Pérez <juan@acme.com>\nEnviado: lunes, 2 de marzo de 2026 10:30\nPara: CSM\nAsunto: Factura\n\nTexto anterior");

        Assert.Equal("Confirmado.", result.NewText);
        Assert.StartsWith("________", result.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_RemovesPortugueseOutlookHeaderBlock()
    {
        var result = QuoteStripper.Strip("Ok, combinado.\n\nDe: João <joao@acme.com.br>\nEnviado: segunda-feira, 2 de março de 2026 10:30\nPara: CSM\nAssunto: Reunião\n\nPodemos falar?");

        Assert.Equal("Ok, combinado.", result.NewText);
    }

    [Fact]
    public void Strip_DoesNotTreatAFromLineInProseAsAHeader()
    {
        const string Text = "From: the team's point of view, this works.\nWe will proceed next week.";

        Assert.Equal(Text, QuoteStripper.Strip(Text).NewText);
    }

    [Fact]
    public void Strip_RemovesInterleavedQuotedLines_KeepsAnswers()
    {
        var result = QuoteStripper.Strip("> Can you send the report?\nYes, attached.\n> And the invoice?\nNext week.");

        Assert.Equal("Yes, attached.\nNext week.", result.NewText);
        Assert.Equal("> Can you send the report?\n> And the invoice?", result.QuotedText);
    }

    [Fact]
    public void Strip_RemovesThunderbirdStyleAttribution()
    {
        var result = QuoteStripper.Strip("Fine by me.\n\nJohn Doe wrote:\n> Shall we?");

        Assert.Equal("Fine by me.", result.NewText);
    }

    [Fact]
    public void Strip_RemovesDashDashSignature()
    {
        var result = QuoteStripper.Strip("See you tomorrow.\n\n-- \nMaria Silva\nHead of Ops, Globex\n+55 11 5555-5555");

        Assert.Equal("See you tomorrow.", result.NewText);
        Assert.StartsWith("--", result.Signature, StringComparison.Ordinal);
        Assert.Contains("Head of Ops", result.Signature, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Best regards,")]
    [InlineData("Thanks,")]
    [InlineData("Saludos,")]
    [InlineData("Un saludo,")]
    [InlineData("Atenciosamente,")]
    [InlineData("Abraços,")]
    public void Strip_RemovesSignOffFollowedByShortBlock(string signOff)
    {
        var result = QuoteStripper.Strip($"The migration finished without errors.\n\n{signOff}\nMaria Silva\nGlobex");

        Assert.Equal("The migration finished without errors.", result.NewText);
        Assert.StartsWith(signOff, result.Signature, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_KeepsSignOffFollowedByALongBlock()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"Point {i} about the contract."));
        var text = $"Intro.\n\nThanks,\n{lines}";

        Assert.Equal(text, QuoteStripper.Strip(text).NewText);
    }

    [Fact]
    public void Strip_KeepsAMessageThatIsOnlyASignOff()
    {
        Assert.Equal("Thanks!", QuoteStripper.Strip("Thanks!").NewText);
    }

    [Theory]
    [InlineData("Sent from my iPhone")]
    [InlineData("Enviado desde mi iPhone")]
    [InlineData("Enviado do meu iPhone")]
    [InlineData("Get Outlook for Android")]
    public void Strip_RemovesMobileFooter(string footer)
    {
        var result = QuoteStripper.Strip($"On my way.\n\n{footer}");

        Assert.Equal("On my way.", result.NewText);
        Assert.Equal(footer, result.Signature);
    }

    [Fact]
    public void Strip_HandlesSignatureAndQuoteTogether()
    {
        var result = QuoteStripper.Strip("We will renew.\n\n-- \nMaria\n\nOn Mon, Mar 2, 2026 at 10:30 AM CSM <csm@acme.com> wrote:\n> Will you renew?");

        Assert.Equal("We will renew.", result.NewText);
        Assert.Equal("-- \nMaria".Trim(), result.Signature);
        Assert.Contains("Will you renew?", result.QuotedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_UsesGmailQuoteAndSignatureContainersFromHtml()
    {
        var text = HtmlToText.Convert(
            """<div dir="ltr">Let's talk Friday.<br clear="all"><br><div class="gmail_signature">Maria Silva<br>Globex</div></div><br><div class="gmail_quote"><div class="gmail_attr">Some attribution in another language:</div><blockquote class="gmail_quote">Older text</blockquote></div>""",
            markContainers: true,
            int.MaxValue);

        var result = QuoteStripper.Strip(text);

        Assert.Equal("Let's talk Friday.", result.NewText);
        Assert.Equal("Maria Silva\nGlobex", result.Signature);
        Assert.Contains("Older text", result.QuotedText, StringComparison.Ordinal);
        Assert.DoesNotContain('\uE000', result.QuotedText);
    }

    [Fact]
    public void Strip_EmptyInput_GivesEmptyResult()
    {
        Assert.Equal(new QuoteStripResult("", "", ""), QuoteStripper.Strip(null));
        Assert.Equal(new QuoteStripResult("", "", ""), QuoteStripper.Strip("  \n "));
    }
}
