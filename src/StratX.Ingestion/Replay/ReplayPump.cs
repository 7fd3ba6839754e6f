using StratX.Domain.Events;
using StratX.Domain.Identity;

namespace StratX.Ingestion.Replay;

/// <summary>
/// Plays a recording's items into a sink in their real order, at real time, at N× or as fast as the sink
/// takes them. Telemetry samples are grouped per car into batches (a stream item costs far more than a
/// sample); a batch goes out when it is full, before its car's next timing event, or once its oldest sample
/// has waited the flush interval. The sink stamps what it admits (<see cref="RaceEvent.IngestedAtTicks"/>).
/// One pump per run.
/// </summary>
public sealed class ReplayPump
{
    private readonly Dictionary<CarId, PendingBatch> _pending = [];
    private long _events;
    private long _samples;
    private long _batches;
    private long _skipped;

    public async Task<ReplayStats> RunAsync(
        SessionKey session,
        IEnumerable<SourceItem> items,
        IReplaySink sink,
        ReplayOptions options,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSamples, 1);
        var started = time.GetUtcNow();
        DateTimeOffset? firstPublished = null;
        DateTimeOffset? pacingStarted = null;
        var paced = !options.Speed.IsMax && options.PaceFromLap is null;
        long oldestPendingTicks = long.MaxValue;

        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsSkipped(item, options))
            {
                _skipped++;
                continue;
            }

            var now = time.GetUtcNow();
            if (!paced && !options.Speed.IsMax && item.Event is LapCompleted lap && lap.LapNumber >= options.PaceFromLap)
            {
                paced = true;
            }

            if (paced)
            {
                // Header events let through before StartAt are paced as if they happened at StartAt.
                var at = options.StartAt is { } start && item.At < start ? start : item.At;
                firstPublished ??= at;
                pacingStarted ??= now;
                var due = pacingStarted.Value + ((at - firstPublished.Value) / options.Speed.Factor);
                if (due > now)
                {
                    if (oldestPendingTicks != long.MaxValue && due.UtcTicks - oldestPendingTicks >= options.FlushInterval.Ticks)
                    {
                        await FlushAll(session, sink, cancellationToken);
                        oldestPendingTicks = long.MaxValue;
                    }

                    await Task.Delay(due - now, time, cancellationToken);
                    now = time.GetUtcNow();
                }
            }

            if (item.IsSample)
            {
                if (!_pending.TryGetValue(item.Car, out var batch))
                {
                    batch = new PendingBatch();
                    _pending[item.Car] = batch;
                }

                if (batch.Samples.Count == 0)
                {
                    oldestPendingTicks = Math.Min(oldestPendingTicks, now.UtcTicks);
                }

                batch.Samples.Add(item.Sample);
                batch.LastSequence = item.SampleSequence;
                if (batch.Samples.Count >= options.MaxBatchSamples)
                {
                    await Flush(session, item.Car, batch, sink, cancellationToken);
                }
            }
            else
            {
                switch (item.Event)
                {
                    case CarEvent carEvent:
                        if (_pending.TryGetValue(carEvent.Car, out var batch) && batch.Samples.Count > 0)
                        {
                            await Flush(session, carEvent.Car, batch, sink, cancellationToken);
                        }

                        await sink.PublishTimingEventAsync(carEvent, cancellationToken);
                        break;
                    case SessionEvent sessionEvent:
                        await sink.PublishSessionEventAsync(sessionEvent, cancellationToken);
                        break;
                }

                _events++;
            }

            if (oldestPendingTicks != long.MaxValue && now.UtcTicks - oldestPendingTicks >= options.FlushInterval.Ticks)
            {
                await FlushAll(session, sink, cancellationToken);
                oldestPendingTicks = long.MaxValue;
            }
        }

        await FlushAll(session, sink, cancellationToken);
        return new ReplayStats(_events, _samples, _batches, _skipped, time.GetUtcNow() - started);
    }

    private static bool IsSkipped(SourceItem item, ReplayOptions options)
    {
        if (options.StartAt is { } start && item.At < start && item.Event is not SessionOpened and not CarEntered)
        {
            return true;
        }

        if (options.ResumeAfter is not { } checkpoint)
        {
            return false;
        }

        return item.Event switch
        {
            null => item.SampleSequence <= checkpoint.Telemetry.GetValueOrDefault(item.Car),
            CarEvent e => e.Sequence <= checkpoint.Timing.GetValueOrDefault(e.Car),
            var e => e.Sequence <= checkpoint.RaceControl,
        };
    }

    private async ValueTask FlushAll(SessionKey session, IReplaySink sink, CancellationToken cancellationToken)
    {
        foreach (var (car, batch) in _pending)
        {
            if (batch.Samples.Count > 0)
            {
                await Flush(session, car, batch, sink, cancellationToken);
            }
        }
    }

    private async ValueTask Flush(SessionKey session, CarId car, PendingBatch batch, IReplaySink sink, CancellationToken cancellationToken)
    {
        var samples = batch.Samples.ToArray();
        batch.Samples.Clear();
        await sink.PublishTelemetryAsync(
            new TelemetryBatch
            {
                Session = session,
                Car = car,
                Sequence = batch.LastSequence,
                OccurredAt = samples[^1].Timestamp,
                Samples = samples,
            },
            cancellationToken);
        _samples += samples.Length;
        _batches++;
    }

    private sealed class PendingBatch
    {
        public List<TelemetrySample> Samples { get; } = new(64);

        public long LastSequence { get; set; }
    }
}
