using EmailSync.Core.Association;
using EmailSync.Core.Domain;
using EmailSync.Core.Replies;
using EmailSync.Core.Sync;
using EmailSync.Core.Tenancy;
using EmailSync.Core.Timeline;
using EmailSync.Web.Components.Pages.Customers.Components;
using EmailSync.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace EmailSync.Web.Components.Pages.Customers;

/// <summary>Customer 360: header, filters, the timeline grouped by thread, and replying / relinking from it.</summary>
public sealed partial class CustomerPage
{
    [Parameter] public long Id { get; set; }

    [Inject] private TimelineService Timeline { get; set; } = default!;
    [Inject] private ReplyService Replies { get; set; } = default!;
    [Inject] private ReplyDraftService Drafts { get; set; } = default!;
    [Inject] private AssociationService Association { get; set; } = default!;
    [Inject] private SyncNotifier Notifier { get; set; } = default!;
    [Inject] private ITenantContext Tenant { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    private CustomerHeader? header;
    private bool notFound;
    private ReplyAvailability? availability;
    private TimeZoneInfo timeZone = TimeZoneInfo.Utc;
    private readonly List<TimelineThread> threads = [];
    private TimelineCursor? next;
    private bool loading;
    private HashSet<long> drafts = [];
    private string? expandKey;
    private IDisposable? subscription;
    private long loadedFor;
    private bool interactive;
    private bool replying;

    private TimelineFilter filter = TimelineFilter.None;
    private string? text;
    private long? contactId;
    private EmailDirection? direction;
    private DateRange? range;
    private bool hasAttachment;

    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor == Id)
        {
            return;
        }

        loadedFor = Id;
        if (await Timeline.GetUserTimeZoneIdAsync() is { } zoneId && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            timeZone = zone;
        }

        header = await Timeline.GetHeaderAsync(Id, timeZone);
        notFound = header is null;
        if (notFound)
        {
            return;
        }

        availability = await Replies.GetAvailabilityAsync();
        await ReloadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        subscription = Notifier.Subscribe(OnSyncEventAsync);
        interactive = true;
        if (timeZone == TimeZoneInfo.Utc && await BrowserTimeZone.GetAsync(JS) is { } browser && browser != TimeZoneInfo.Utc)
        {
            // No time zone on the profile: show dates in the browser's.
            timeZone = browser;
            if (header is not null)
            {
                header = await Timeline.GetHeaderAsync(Id, timeZone);
            }
        }

        StateHasChanged();
    }

    private async Task OnSyncEventAsync(SyncEvent change)
    {
        if (change.NewMessages <= 0 || Tenant.OrganizationId is not { } organization || !change.Organizations.Contains(organization))
        {
            return;
        }

        await InvokeAsync(async () =>
        {
            var before = threads.Count > 0 ? threads[0].LastAt : DateTimeOffset.MinValue;
            header = await Timeline.GetHeaderAsync(Id, timeZone) ?? header;
            await MergeFirstPageAsync();
            if (threads.Count > 0 && threads[0].LastAt > before && !replying)
            {
                Snackbar.Add("New email on this timeline.", Severity.Info);
            }

            StateHasChanged();
        });
    }

    /// <summary>
    /// New mail lands on the first page: refresh it, and keep the older pages the user already loaded below it, so a
    /// live update never throws away where they are.
    /// </summary>
    private async Task MergeFirstPageAsync()
    {
        var page = await Timeline.GetPageAsync(Id, filter);
        if (page.Next is null || threads.Count <= page.Threads.Count)
        {
            threads.Clear();
            threads.AddRange(page.Threads);
            next = page.Next;
        }
        else
        {
            var fresh = page.Threads.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
            var oldest = page.Threads[^1];
            var older = threads.Where(t => !fresh.Contains(t.Key) && (t.LastAt < oldest.LastAt || (t.LastAt == oldest.LastAt && string.CompareOrdinal(t.Key, oldest.Key) < 0))).ToList();
            threads.Clear();
            threads.AddRange(page.Threads);
            threads.AddRange(older);
        }

        await RefreshDraftsAsync();
    }

    /// <summary>The first page again (new mail, changed filters, a reply); open threads keep their state by key.</summary>
    private async Task ReloadAsync()
    {
        loading = true;
        try
        {
            var page = await Timeline.GetPageAsync(Id, filter);
            threads.Clear();
            threads.AddRange(page.Threads);
            next = page.Next;
            await RefreshDraftsAsync();
        }
        finally
        {
            loading = false;
        }
    }

    private async Task LoadMoreAsync()
    {
        if (next is null)
        {
            return;
        }

        loading = true;
        try
        {
            var page = await Timeline.GetPageAsync(Id, filter, next);
            threads.AddRange(page.Threads.Where(t => threads.All(x => x.Key != t.Key)));
            next = page.Next;
            await RefreshDraftsAsync();
        }
        finally
        {
            loading = false;
        }
    }

    private async Task RefreshDraftsAsync() => drafts = await Drafts.WithDraftsAsync([.. threads.Select(t => t.Latest.Id)]);

    private Task OnTextAsync(string? value) => ApplyAsync(() => text = value);

    private Task OnContactAsync(long? value) => ApplyAsync(() => contactId = value);

    private Task OnDirectionAsync(EmailDirection? value) => ApplyAsync(() => direction = value);

    private Task OnRangeAsync(DateRange? value) => ApplyAsync(() => range = value);

    private Task OnAttachmentAsync(bool value) => ApplyAsync(() => hasAttachment = value);

    private Task ClearFiltersAsync() => ApplyAsync(() =>
    {
        text = null;
        contactId = null;
        direction = null;
        range = null;
        hasAttachment = false;
    });

    private async Task ApplyAsync(Action change)
    {
        change();
        filter = new TimelineFilter
        {
            Text = string.IsNullOrWhiteSpace(text) ? null : text,
            ContactId = contactId,
            Direction = direction,
            Since = range?.Start is { } start ? StartOfDay(start) : null,
            Until = range?.End is { } end ? StartOfDay(end.AddDays(1)) : null,
            HasAttachment = hasAttachment,
        };
        await ReloadAsync();
    }

    /// <summary>Midnight of a day the user picked, in their time zone.</summary>
    private DateTimeOffset StartOfDay(DateTime day)
    {
        var local = DateTime.SpecifyKind(day.Date, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, timeZone.GetUtcOffset(local));
    }

    private async Task ReplyAsync((TimelineEmail Email, bool All) request)
    {
        availability = await Replies.GetAvailabilityAsync();
        if (!availability.CanSend)
        {
            var go = await Dialogs.ShowMessageBoxAsync("Reply from EmailSync is off", availability.Explanation, yesText: "Open Profile", cancelText: "Not now");
            if (go == true)
            {
                Navigation.NavigateTo("/profile");
            }

            return;
        }

        var parameters = new DialogParameters<ReplyDialog>
        {
            { d => d.MessageId, request.Email.Id },
            { d => d.ReplyAll, request.All },
            { d => d.TimeZone, timeZone },
        };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false, CloseButton = false };
        replying = true;
        DialogResult? result;
        try
        {
            var dialog = await Dialogs.ShowAsync<ReplyDialog>(request.All ? "Reply all" : "Reply", parameters, options);
            result = await dialog.Result;
        }
        finally
        {
            replying = false;
        }

        if (result is { Canceled: false })
        {
            // The reply is stored already: show it at once, in its thread, opened.
            expandKey = request.Email.GroupKey;
            header = await Timeline.GetHeaderAsync(Id, timeZone) ?? header;
        }

        await ReloadAsync();
        StateHasChanged();
    }

    private async Task RelinkAsync(TimelineEmail email)
    {
        var parameters = new DialogParameters<RelinkDialog>
        {
            { d => d.MessageId, email.Id },
            { d => d.CurrentCustomerId, Id },
            { d => d.CurrentName, header!.Name },
            { d => d.Subject, email.Subject },
        };
        var dialog = await Dialogs.ShowAsync<RelinkDialog>("Relink email", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: string name })
        {
            Snackbar.Add($"Linked to {name}.", Severity.Success);
            header = await Timeline.GetHeaderAsync(Id, timeZone) ?? header;
            await ReloadAsync();
        }
    }

    private async Task UnlinkAsync((TimelineEmail Email, bool WholeThread) request)
    {
        var what = request.WholeThread ? "the whole thread" : "this email";
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Remove {what} from {header!.Name}?",
            $"“{request.Email.Subject}” leaves {header.Name}'s timeline and the automatic rules will not bring it back. You can link it again with Relink.",
            yesText: "Remove", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await Association.UnlinkManuallyAsync(request.Email.Id, Id, request.WholeThread);
        Snackbar.Add($"Removed {what} from {header.Name}.", Severity.Success);
        header = await Timeline.GetHeaderAsync(Id, timeZone) ?? header;
        await ReloadAsync();
    }

    public void Dispose() => subscription?.Dispose();
}
