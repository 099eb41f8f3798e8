using EmailSync.Core.Customers;
using System.Diagnostics;

namespace EmailSync.Web.Components.Pages.Settings.Components;

/// <summary>A failure as the settings pages show it: the message of input to correct, or a trace id to report.</summary>
public sealed record SettingsError(string Message, string? TraceId)
{
    /// <summary>
    /// A <see cref="ValidationException"/> is shown as it is; anything else is logged under a trace id that
    /// the page shows with a copy button.
    /// </summary>
    public static SettingsError From(Exception exception, ILogger logger, string doing)
    {
        if (exception is ValidationException validation)
        {
            return new SettingsError(validation.Message, null);
        }

        var trace = Activity.Current?.TraceId.ToString() ?? ActivityTraceId.CreateRandom().ToString();
        logger.LogError(exception, "Settings: {Doing} failed (trace id {TraceId})", doing, trace);
        return new SettingsError($"Something went wrong while {doing}. Try again; if it keeps failing, report the trace id.", trace);
    }
}
