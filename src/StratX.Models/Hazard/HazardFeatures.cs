using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;

namespace StratX.Models.Hazard;

/// <summary>
/// Hazard features for "the race so far": a pure function of the laps completed up to the end of a leader
/// lap. Training builds every example by calling it on the race cut at that lap, so the live path and the
/// training path are the same code.
/// </summary>
public static class HazardFeatures
{
    private const int LapsSinceCap = 40;

    /// <param name="circuit">The circuit's name as the results history spells it (unknown: the all-circuit prior).</param>
    /// <param name="lapCompleted">The leader lap just completed (0 before the start).</param>
    /// <param name="totalLaps">Race distance.</param>
    /// <param name="lapsSoFar">Every car's laps completed so far, in any order.</param>
    /// <param name="priors">Circuit priors from earlier seasons.</param>
    public static HazardExample Compute(string? circuit, int lapCompleted, int totalLaps, IReadOnlyList<LapCompleted> lapsSoFar, HazardPriors priors)
    {
        ArgumentNullException.ThrowIfNull(lapsSoFar);
        ArgumentNullException.ThrowIfNull(priors);
        if (totalLaps <= 0 || lapCompleted < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalLaps), $"Lap {lapCompleted} of {totalLaps} is not a race position.");
        }

        var leaderLaps = LeaderLaps(lapsSoFar, lapCompleted);
        var starts = 0;
        var lastNeutralised = int.MinValue;
        var previous = TrackStatus.Green;
        for (var lap = 1; lap <= lapCompleted; lap++)
        {
            var status = leaderLaps[lap]?.TrackStatus ?? TrackStatus.Unknown;
            if (IsNeutralised(status))
            {
                lastNeutralised = lap;
                if (!IsNeutralised(previous))
                {
                    starts++;
                }
            }

            previous = status;
        }

        var leader = lapCompleted > 0 ? leaderLaps[lapCompleted] : null;
        var (retired, recently, wet) = Field(lapsSoFar, leader, lapCompleted);
        return new HazardExample
        {
            CircuitRate = (float)priors.RateFor(circuit),
            RaceFraction = (float)(lapCompleted + 1) / totalLaps,
            LapsLeft = Math.Max(0, totalLaps - lapCompleted),
            FirstLap = lapCompleted == 0 ? 1 : 0,
            NeutralisationsSoFar = starts,
            LapsSinceNeutralised = lastNeutralised == int.MinValue ? LapsSinceCap : Math.Min(LapsSinceCap, lapCompleted - lastNeutralised),
            NeutralisedNow = leader is not null && IsNeutralised(leader.TrackStatus) ? 1 : 0,
            YellowLastLap = lapsSoFar.Any(l => l.LapNumber == lapCompleted && l.TrackStatus == TrackStatus.Yellow) ? 1 : 0,
            WetShare = wet,
            Retired = retired,
            RetiredRecently = recently,
            LapCompleted = lapCompleted,
            TotalLaps = totalLaps,
        };
    }

    /// <summary>SC, VSC (deployed or ending) or red flag.</summary>
    public static bool IsNeutralised(TrackStatus status) => status.IsNeutralised();

    /// <summary>The first car to complete each lap (the leader's lap), by crossing time.</summary>
    private static LapCompleted?[] LeaderLaps(IReadOnlyList<LapCompleted> laps, int upTo)
    {
        var leaders = new LapCompleted?[upTo + 1];
        foreach (var lap in laps)
        {
            if (lap.LapNumber >= 1 && lap.LapNumber <= upTo && (leaders[lap.LapNumber] is not { } known || lap.OccurredAt < known.OccurredAt))
            {
                leaders[lap.LapNumber] = lap;
            }
        }

        return leaders;
    }

    /// <summary>
    /// Cars that stopped running (no crossing for 1.5 leader laps before the leader's latest crossing), those
    /// of them whose last lap was within three leader laps, and the share of running cars on wet-weather tyres.
    /// </summary>
    private static (int Retired, int Recently, float Wet) Field(IReadOnlyList<LapCompleted> laps, LapCompleted? leader, int lapCompleted)
    {
        if (leader is null)
        {
            return (0, 0, 0);
        }

        var latest = new Dictionary<CarId, LapCompleted>();
        foreach (var lap in laps)
        {
            if (!latest.TryGetValue(lap.Car, out var known) || lap.LapNumber > known.LapNumber)
            {
                latest[lap.Car] = lap;
            }
        }

        var leaderLapTime = Math.Clamp(leader.LapTime ?? 120, 60, 300);
        var cutoff = leader.OccurredAt.AddSeconds(-1.5 * leaderLapTime);
        int retired = 0, recently = 0, running = 0, wet = 0;
        foreach (var lap in latest.Values)
        {
            if (lap.OccurredAt < cutoff)
            {
                retired++;
                if (lap.LapNumber >= lapCompleted - 4)
                {
                    recently++;
                }

                continue;
            }

            running++;
            if (lap.Compound is TyreCompound.Intermediate or TyreCompound.Wet)
            {
                wet++;
            }
        }

        return (retired, recently, running == 0 ? 0 : (float)wet / running);
    }
}
