namespace StratX.Streaming.Kafka;

/// <summary>
/// Decides how far a partition may be checkpointed: the highest offset such that every record read at or below it
/// has been released by the cache after delivery to every consumer (or was skipped as not the provider's).
/// The cache releases batches oldest first, so a release of offset N also covers any older batch it dropped
/// after a delivery failure the stream's failure handler already dealt with.
/// </summary>
internal sealed class DeliveryTracker(long checkpoint)
{
    private readonly Queue<(long Offset, bool AwaitsDelivery)> _pending = new();
    private long _releasedThrough = checkpoint;

    /// <summary>The offset every record up to which is done, or -1 when none is.</summary>
    public long Checkpoint { get; private set; } = checkpoint;

    /// <summary>Records read and not yet done.</summary>
    public int Pending => _pending.Count;

    /// <summary>A record handed to the cache.</summary>
    public void Read(long offset) => _pending.Enqueue((offset, true));

    /// <summary>A record that is not the provider's: done as soon as everything before it is.</summary>
    public void Skipped(long offset)
    {
        _pending.Enqueue((offset, false));
        Advance();
    }

    /// <summary>A record the cache released after delivery to every consumer.</summary>
    public void Delivered(long offset)
    {
        if (offset > _releasedThrough)
        {
            _releasedThrough = offset;
        }

        Advance();
    }

    private void Advance()
    {
        while (_pending.TryPeek(out var head) && (!head.AwaitsDelivery || head.Offset <= _releasedThrough))
        {
            _pending.Dequeue();
            Checkpoint = head.Offset;
        }
    }
}
