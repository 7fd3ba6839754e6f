using Orleans;
using StratX.Domain.Events;

namespace StratX.Domain.Laps;

/// <summary>
/// Cuts a car's telemetry into laps. Laps and car data travel on separate streams, so either may arrive
/// first: a lap's summary is made once both its crossing and a sample after that crossing have been seen.
/// Until then the samples wait here (about one lap's worth plus a batch).
/// </summary>
public sealed class LapTelemetryTracker
{
    private readonly List<TelemetrySample> _pending = [];
    private readonly Queue<(int Lap, long StartTicks, long EndTicks)> _laps = new();

    public TelemetrySample? Latest { get; private set; }

    public int PendingSamples => _pending.Count;

    /// <summary>What the tracker holds, for a car's persisted state: with it a car resumed on another silo cuts the same laps.</summary>
    public LapTelemetrySnapshot Save() => new(
        [.. _pending],
        [.. _laps.Select(l => new PendingLap(l.Lap, l.StartTicks, l.EndTicks))],
        Latest);

    /// <summary>A tracker holding what <see cref="Save"/> captured.</summary>
    public static LapTelemetryTracker Restore(LapTelemetrySnapshot snapshot)
    {
        var tracker = new LapTelemetryTracker { Latest = snapshot.Latest };
        tracker._pending.AddRange(snapshot.Pending);
        foreach (var lap in snapshot.Laps)
        {
            tracker._laps.Enqueue((lap.Lap, lap.StartTicks, lap.EndTicks));
        }

        return tracker;
    }

    /// <summary>Adds samples (in time order); returns the laps they complete.</summary>
    public void AddSamples(ReadOnlySpan<TelemetrySample> samples, List<(int Lap, LapTelemetrySummary Summary)> completed)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        foreach (var sample in samples)
        {
            if (Latest is null || sample.UtcTicks >= Latest.Value.UtcTicks)
            {
                _pending.Add(sample);
                Latest = sample;
            }
        }

        Drain(completed);
    }

    /// <summary>Records that a lap started at <paramref name="startedAt"/> (when known) and ended at <paramref name="crossedAt"/>.</summary>
    public void AddLap(int lap, DateTimeOffset? startedAt, DateTimeOffset crossedAt, List<(int Lap, LapTelemetrySummary Summary)> completed)
    {
        _laps.Enqueue((lap, startedAt?.UtcTicks ?? long.MinValue, crossedAt.UtcTicks));
        Drain(completed);
    }

    private void Drain(List<(int Lap, LapTelemetrySummary Summary)> completed)
    {
        while (_laps.TryPeek(out var lap) && Latest is { } latest && latest.UtcTicks > lap.EndTicks)
        {
            _laps.Dequeue();
            var inLap = 0;
            var before = 0;
            foreach (var sample in _pending)
            {
                if (sample.UtcTicks > lap.EndTicks)
                {
                    break;
                }

                if (sample.UtcTicks < lap.StartTicks)
                {
                    before++;
                }
                else
                {
                    inLap++;
                }
            }

            if (inLap > 0)
            {
                completed.Add((lap.Lap, Summarize(_pending.GetRange(before, inLap))));
            }

            _pending.RemoveRange(0, before + inLap);
        }
    }

    public static LapTelemetrySummary Summarize(IReadOnlyList<TelemetrySample> samples)
    {
        double maxSpeed = 0, speedSum = 0;
        int fullThrottle = 0, drsOpen = 0, brakeApplications = 0, gearChanges = 0, maxRpm = 0, pedalSamples = 0;
        var wasBraking = false;
        byte? lastGear = null;
        foreach (var s in samples)
        {
            maxSpeed = Math.Max(maxSpeed, s.Speed);
            speedSum += s.Speed;
            maxRpm = Math.Max(maxRpm, s.Rpm);
            if (s.IsDrsOpen)
            {
                drsOpen++;
            }

            if (s.HasGear)
            {
                if (lastGear is { } g && g != s.Gear)
                {
                    gearChanges++;
                }

                lastGear = s.Gear;
            }

            if (!s.HasPedalReadings)
            {
                continue;
            }

            pedalSamples++;
            if (s.Throttle >= 98)
            {
                fullThrottle++;
            }

            if (s.IsBraking && !wasBraking)
            {
                brakeApplications++;
            }

            wasBraking = s.IsBraking;
        }

        var n = samples.Count;
        return new LapTelemetrySummary
        {
            Samples = n,
            MaxSpeed = maxSpeed,
            MeanSpeed = n == 0 ? 0 : Math.Round(speedSum / n, 1),
            FullThrottleShare = pedalSamples == 0 ? 0 : Math.Round((double)fullThrottle / pedalSamples, 3),
            BrakeApplications = brakeApplications,
            DrsOpenShare = n == 0 ? 0 : Math.Round((double)drsOpen / n, 3),
            GearChanges = gearChanges,
            MaxRpm = maxRpm,
        };
    }
}

/// <summary>The samples and lap crossings a <see cref="LapTelemetryTracker"/> is holding.</summary>
[GenerateSerializer, Immutable]
public sealed record LapTelemetrySnapshot(
    [property: Id(0)] TelemetrySample[] Pending,
    [property: Id(1)] PendingLap[] Laps,
    [property: Id(2)] TelemetrySample? Latest);

/// <summary>A lap crossing whose telemetry summary waits for a sample after it.</summary>
[GenerateSerializer, Immutable]
public readonly record struct PendingLap([property: Id(0)] int Lap, [property: Id(1)] long StartTicks, [property: Id(2)] long EndTicks);
