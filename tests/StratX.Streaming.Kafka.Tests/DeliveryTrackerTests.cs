using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>The checkpoint only covers records delivered to every consumer, and the cache stops reads when full.</summary>
public sealed class DeliveryTrackerTests
{
    [Fact]
    public void The_checkpoint_stops_at_the_first_record_not_yet_delivered()
    {
        var tracker = new DeliveryTracker(checkpoint: 9);
        foreach (var offset in new long[] { 10, 11, 12, 14 })
        {
            tracker.Read(offset);
        }

        Assert.Equal(9, tracker.Checkpoint);
        tracker.Delivered(10);
        Assert.Equal(10, tracker.Checkpoint);
        tracker.Skipped(15); // not the provider's: done once everything before it is
        Assert.Equal(10, tracker.Checkpoint);
        tracker.Delivered(12); // the cache releases oldest first: 11 left it too (its delivery was given up)
        Assert.Equal(12, tracker.Checkpoint);
        tracker.Delivered(14);
        Assert.Equal(15, tracker.Checkpoint);
        Assert.Equal(0, tracker.Pending);
    }

    [Fact]
    public void A_partition_without_checkpoint_has_none_until_its_first_record_is_delivered()
    {
        var tracker = new DeliveryTracker(checkpoint: -1);
        tracker.Read(0);
        Assert.Equal(-1, tracker.Checkpoint);
        tracker.Delivered(0);
        Assert.Equal(0, tracker.Checkpoint);
    }

    [Fact]
    public void The_cache_reports_pressure_at_CacheSize_undelivered_batches_and_never_asks_for_more_than_its_room()
    {
        var cache = new KafkaQueueCache(capacity: 100, NullLogger.Instance);
        var stream = StreamId.Create("kafka-test", "car-1");
        var offset = 0L;
        while (!cache.IsUnderPressure())
        {
            var room = cache.GetMaxAddCount();
            Assert.InRange(room, 1, 100 - cache.Size);
            cache.AddToCache([.. Enumerable.Range(0, room).Select(_ => Batch(stream, offset++))]);
        }

        Assert.Equal(100, cache.Size);

        // A consumer's cursor at the start holds everything: nothing can be released.
        var cursor = cache.TryGetCacheCursor(stream, new KafkaSequenceToken(0)).Cursor!;
        Assert.Equal(QueueCacheCursorMoveResultKind.Success, cursor.MoveNextWithResult().Kind);
        Assert.False(cache.TryPurgeFromCache(out _));

        // Once it has passed the first half, that half is released oldest first and reading can go on.
        for (var i = 0; i < 60; i++)
        {
            cursor.MoveNextWithResult();
        }

        Assert.True(cache.TryPurgeFromCache(out var released));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), released.Select(b => ((KafkaBatchContainer)b).Offset));
        Assert.Equal(40, cache.Size);
        Assert.False(cache.IsUnderPressure());
    }

    private static KafkaBatchContainer Batch(StreamId stream, long offset)
    {
        var batch = new KafkaBatchContainer(stream, [new TestEvent("car-1", (int)offset)], null);
        batch.SetOffset(offset);
        return batch;
    }
}
