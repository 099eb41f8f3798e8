using EmailSync.Core.Association;
using MudBlazor;

namespace EmailSync.Web.Components.Pages.Settings.Components;

/// <summary>Opens <see cref="RuleChangeDialog"/>: preview first, apply on confirmation. True when applied.</summary>
public static class RuleChanges
{
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, RuleChange change, string description,
        string applyText = "Apply", bool destructive = false, Func<Task>? apply = null, ReassociationPreview? preview = null)
    {
        var parameters = new DialogParameters<RuleChangeDialog>
        {
            { d => d.Change, change },
            { d => d.Description, description },
            { d => d.ApplyText, applyText },
            { d => d.Destructive, destructive },
            { d => d.Apply, apply },
            { d => d.Preview, preview },
        };
        var dialog = await dialogs.ShowAsync<RuleChangeDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
