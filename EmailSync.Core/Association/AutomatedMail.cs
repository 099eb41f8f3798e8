namespace EmailSync.Core.Association;

/// <summary>
/// Classifies a message's headers as bulk (mailing lists, newsletters) or automated (auto-replies, delivery
/// reports, notifications) — mail that is never linked to a customer automatically. The MIME parser calls it
/// to fill <c>EmailMessage.IsBulk</c> and <c>IsAutomated</c>; noreply-style senders are caught by the
/// <see cref="Associator"/> itself.
/// </summary>
public static class AutomatedMail
{
    public static (bool IsBulk, bool IsAutomated) Classify(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var bulk = false;
        var automated = false;
        foreach (var (name, rawValue) in headers)
        {
            var value = rawValue.Trim();
            if (name.Equals("List-Unsubscribe", StringComparison.OrdinalIgnoreCase)
                || name.Equals("List-Id", StringComparison.OrdinalIgnoreCase)
                || name.Equals("List-Post", StringComparison.OrdinalIgnoreCase))
            {
                bulk = true;
            }
            else if (name.Equals("Precedence", StringComparison.OrdinalIgnoreCase))
            {
                bulk |= value.Equals("bulk", StringComparison.OrdinalIgnoreCase) || value.Equals("list", StringComparison.OrdinalIgnoreCase);
                automated |= value.Equals("junk", StringComparison.OrdinalIgnoreCase) || value.Equals("auto_reply", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Auto-Submitted", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 3834: anything but "no" was sent by a machine.
                automated |= value.Length > 0 && !value.StartsWith("no", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("X-Autoreply", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Autorespond", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Auto-Response-Suppress", StringComparison.OrdinalIgnoreCase) && value.Contains("All", StringComparison.OrdinalIgnoreCase))
            {
                automated = true;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                && value.StartsWith("multipart/report", StringComparison.OrdinalIgnoreCase))
            {
                // Delivery status notifications and read receipts.
                automated = true;
            }
        }

        return (bulk, automated);
    }
}
