namespace EmailSync.Core.Mime;

/// <summary>A de-duplicated, capped warning list.</summary>
internal sealed class ParseWarnings
{
    private const int MaxCount = 50;

    private readonly List<string> _items = [];

    public void Add(string warning)
    {
        if (_items.Count < MaxCount && !_items.Contains(warning))
        {
            _items.Add(warning);
        }
    }

    public List<string> ToList() => [.. _items];
}
