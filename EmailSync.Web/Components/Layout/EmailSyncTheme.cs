using MudBlazor;

namespace EmailSync.Web.Components.Layout;

/// <summary>One calm theme, light and dark; red is kept for risk.</summary>
public static class EmailSyncTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2563a8",
            Secondary = "#0f8a7e",
            Tertiary = "#6d5bd0",
            AppbarBackground = "#1e3a5f",
            Background = "#f6f8fb",
            DrawerBackground = "#ffffff",
            Error = "#c62828",
            Success = "#2e7d32",
            Info = "#1976d2",
            Warning = "#b26a00",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7cb3f0",
            Secondary = "#4fc3b5",
            Tertiary = "#a99cf0",
            AppbarBackground = "#16202c",
            Background = "#10161e",
            Surface = "#18212c",
            DrawerBackground = "#141c26",
            Error = "#ef5350",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Inter", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
