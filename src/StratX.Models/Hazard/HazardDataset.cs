using StratX.Domain.Events;
using StratX.Domain.Racing;

namespace StratX.Models.Hazard;

/// <summary>Hazard examples from a recorded race: one per leader lap, from before the start to the last lap but one.</summary>
public static class HazardDataset
{
    /// <summary>
    /// The leader laps during which a neutralisation started: the session's track status changed to a safety
    /// car or VSC (or a red flag) from a status that was none of them.
    /// </summary>
    public static SortedSet<int> NeutralisationStarts(IEnumerable<TrackStatusChanged> statuses)
    {
        var starts = new SortedSet<int>();
        var previous = TrackStatus.Green;
        foreach (var change in statuses.OrderBy(s => s.OccurredAt))
        {
            if (change.Status.IsNeutralised() && change.Status != TrackStatus.VirtualSafetyCarEnding && !previous.IsNeutralised() && change.Lap is { } lap)
            {
                starts.Add(lap);
            }

            previous = change.Status;
        }

        return starts;
    }

    /// <param name="circuit">The circuit, for the prior.</param>
    /// <param name="laps">The race's laps.</param>
    /// <param name="statuses">The session's track status changes (they carry the leader lap).</param>
    /// <param name="totalLaps">Race distance.</param>
    /// <param name="priors">Circuit priors from seasons before this race's.</param>
    public static List<HazardExample> FromRace(string? circuit, IReadOnlyList<LapCompleted> laps, IEnumerable<TrackStatusChanged> statuses, int totalLaps, HazardPriors priors)
    {
        var starts = NeutralisationStarts(statuses);
        var ordered = laps.OrderBy(l => l.OccurredAt).ToList();
        var leaderCrossing = ordered.GroupBy(l => l.LapNumber).ToDictionary(g => g.Key, g => g.First().OccurredAt);
        var raced = leaderCrossing.Count == 0 ? 0 : leaderCrossing.Keys.Max();
        var examples = new List<HazardExample>();
        var prefix = new List<LapCompleted>(ordered.Count);
        var next = 0;
        for (var lap = 0; lap < raced; lap++)
        {
            if (lap > 0)
            {
                if (!leaderCrossing.TryGetValue(lap, out var crossed))
                {
                    continue;
                }

                while (next < ordered.Count && ordered[next].OccurredAt <= crossed)
                {
                    prefix.Add(ordered[next++]);
                }
            }

            var example = HazardFeatures.Compute(circuit, lap, totalLaps, prefix, priors);
            example.Label = starts.Contains(lap + 1);
            example.LaterInRace = starts.GetViewBetween(lap + 1, int.MaxValue).Count > 0;
            examples.Add(example);
        }

        return examples;
    }
}
