using StratX.Domain.Events;
using StratX.Domain.Identity;

namespace StratX.Grains.Ingestion;

/// <summary>
/// Bounds how many published items the grains have not applied yet. Without it a replay at full speed fills
/// the stream queues (a memory-stream queue refuses its 16,385th item) and every update waits behind them;
/// with it, throughput is what the grains can apply and latency stays a few batches deep.
/// </summary>
public sealed class InFlightWindow(int capacity)
{
    private readonly object _gate = new();
    private readonly Dictionary<(EventChannel Channel, CarId? Car), Queue<long>> _pending = [];
    private readonly Dictionary<(EventChannel Channel, CarId? Car), long> _applied = [];
    private TaskCompletionSource _space = NewSignal();
    private TaskCompletionSource _empty = NewSignal();
    private int _count;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public long Acknowledged { get; private set; }

    /// <summary>Items that may be in flight at once.</summary>
    public int Capacity => capacity;

    /// <summary>Waits for room, then records the item as in flight.</summary>
    public async ValueTask EnterAsync(EventChannel channel, CarId? car, long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_count < capacity)
                {
                    Queue(channel, car).Enqueue(sequence);
                    _count++;
                    return;
                }

                wait = _space.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A stream was applied up to <paramref name="sequence"/>: everything published on it up to there has landed.</summary>
    public void Acknowledge(EventChannel channel, CarId? car, long sequence)
    {
        TaskCompletionSource? space = null, empty = null;
        lock (_gate)
        {
            if (sequence > _applied.GetValueOrDefault((channel, car)))
            {
                _applied[(channel, car)] = sequence;
            }

            if (!_pending.TryGetValue((channel, car), out var queue))
            {
                return;
            }

            var released = 0;
            while (queue.TryPeek(out var pending) && pending <= sequence)
            {
                queue.Dequeue();
                released++;
            }

            if (released == 0)
            {
                return;
            }

            _count -= released;
            Acknowledged += released;
            space = _space;
            _space = NewSignal();
            if (_count == 0)
            {
                empty = _empty;
                _empty = NewSignal();
            }
        }

        space.TrySetResult();
        empty?.TrySetResult();
    }

    /// <summary>The last sequence the grains reported applied on each stream (streams apply in order, so everything before it too).</summary>
    public ReplayPosition Position()
    {
        lock (_gate)
        {
            return new ReplayPosition
            {
                RaceControl = _applied.GetValueOrDefault((EventChannel.RaceControl, null)),
                Timing = Of(EventChannel.Timing),
                Telemetry = Of(EventChannel.Telemetry),
            };
        }

        Dictionary<CarId, long> Of(EventChannel channel) =>
            _applied.Where(a => a.Key.Channel == channel && a.Key.Car is not null).ToDictionary(a => a.Key.Car!.Value, a => a.Value);
    }

    /// <summary>Completes when nothing is in flight.</summary>
    public Task DrainedAsync()
    {
        lock (_gate)
        {
            return _count == 0 ? Task.CompletedTask : _empty.Task;
        }
    }

    private Queue<long> Queue(EventChannel channel, CarId? car)
    {
        if (!_pending.TryGetValue((channel, car), out var queue))
        {
            queue = new Queue<long>();
            _pending[(channel, car)] = queue;
        }

        return queue;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
