using Microsoft.JSInterop;
using System.Text.Json;

namespace EmailSync.Web.Components.Shared;

/// <summary>The browser's IANA time zone (Intl.DateTimeFormat), for users who set none on their profile.</summary>
public static class BrowserTimeZone
{
    /// <summary>Null when it cannot be read (prerendering, a disconnected circuit) or is unknown to the server.</summary>
    public static async Task<TimeZoneInfo?> GetAsync(IJSRuntime js)
    {
        try
        {
            await using var format = await js.InvokeAsync<IJSObjectReference>("Intl.DateTimeFormat");
            var options = await format.InvokeAsync<JsonElement>("resolvedOptions");
            return options.ValueKind == JsonValueKind.Object && options.TryGetProperty("timeZone", out var id) && id.GetString() is { } name
                && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : null;
        }
        catch (Exception ex) when (ex is JSException or InvalidOperationException or JSDisconnectedException or TaskCanceledException)
        {
            return null;
        }
    }
}
