using StratX.Domain.Events;
using StratX.Ingestion.Replay;

namespace StratX.Ingestion.Timeline;

/// <summary>
/// Merges the session's events with each car's telemetry into one stream in time order (a k-way merge: the
/// car-data files are streamed, never loaded whole). At equal times events come first, then cars in order.
/// The final SessionEnded is held back and sent last, at the time of the last item.
/// </summary>
internal static class TimelineMerge
{
    public static IEnumerable<SourceItem> Merge(IReadOnlyList<RaceEvent> events, IReadOnlyList<IEnumerable<SourceItem>> telemetry)
    {
        var ended = events.Count > 0 && events[^1] is SessionEnded last ? last : null;
        var eventCount = ended is null ? events.Count : events.Count - 1;
        var sources = new List<IEnumerator<SourceItem>>(telemetry.Count);
        var queue = new PriorityQueue<int, (long Ticks, int Source)>();
        var lastTicks = long.MinValue;
        try
        {
            foreach (var samples in telemetry)
            {
                var source = samples.GetEnumerator();
                sources.Add(source);
                if (source.MoveNext())
                {
                    queue.Enqueue(sources.Count - 1, (source.Current.At.UtcTicks, sources.Count));
                }
            }

            var next = 0;
            while (next < eventCount || queue.Count > 0)
            {
                var eventTicks = next < eventCount ? events[next].OccurredAt.UtcTicks : long.MaxValue;
                if (queue.TryPeek(out var index, out var key) && key.Ticks < eventTicks)
                {
                    queue.Dequeue();
                    var item = sources[index].Current;
                    lastTicks = Math.Max(lastTicks, key.Ticks);
                    yield return item;
                    if (sources[index].MoveNext())
                    {
                        queue.Enqueue(index, (sources[index].Current.At.UtcTicks, index + 1));
                    }
                }
                else
                {
                    lastTicks = Math.Max(lastTicks, eventTicks);
                    yield return SourceItem.ForEvent(events[next++]);
                }
            }

            if (ended is not null)
            {
                var at = new DateTimeOffset(Math.Max(lastTicks, ended.OccurredAt.UtcTicks), TimeSpan.Zero);
                yield return SourceItem.ForEvent(ended with { OccurredAt = at });
            }
        }
        finally
        {
            foreach (var source in sources)
            {
                source.Dispose();
            }
        }
    }
}
