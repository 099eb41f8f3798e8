using EmailSync.Core.Association;

namespace EmailSync.Tests.Association;

public sealed class AutomatedMailTests
{
    private static (bool, bool) Classify(params (string Name, string Value)[] headers) =>
        AutomatedMail.Classify(headers.Select(h => KeyValuePair.Create(h.Name, h.Value)));

    [Theory]
    [InlineData("List-Unsubscribe", "<mailto:unsub@news.acme.com>", true, false)]
    [InlineData("list-id", "Acme news <news.acme.com>", true, false)]
    [InlineData("Precedence", "bulk", true, false)]
    [InlineData("Precedence", "list", true, false)]
    [InlineData("Auto-Submitted", "auto-replied", false, true)]
    [InlineData("Auto-Submitted", "auto-generated", false, true)]
    [InlineData("Auto-Submitted", "no", false, false)]
    [InlineData("X-Autoreply", "yes", false, true)]
    [InlineData("Content-Type", "multipart/report; report-type=delivery-status", false, true)]
    [InlineData("Subject", "List-Unsubscribe", false, false)]
    public void Headers_AreClassified(string name, string value, bool bulk, bool automated) =>
        Assert.Equal((bulk, automated), Classify((name, value)));

    [Fact]
    public void OrdinaryMail_IsNeither() =>
        Assert.Equal((false, false), Classify(("From", "bob@acme.com"), ("Content-Type", "text/plain"), ("Precedence", "first-class")));
}
