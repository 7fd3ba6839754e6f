namespace StratX.Grains;

internal static class ListExtensions
{
    /// <summary>Replaces the item with the same key, or inserts it in key order: a corrected record never disturbs its neighbours.</summary>
    public static void Upsert<T>(this List<T> items, T item, Func<T, int> key)
    {
        var k = key(item);
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var existing = key(items[i]);
            if (existing == k)
            {
                items[i] = item;
                return;
            }

            if (existing < k)
            {
                items.Insert(i + 1, item);
                return;
            }
        }

        items.Insert(0, item);
    }
}
