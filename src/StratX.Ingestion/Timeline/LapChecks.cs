using StratX.Domain.Identity;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.Timeline;

/// <summary>
/// Checks that hold for every feed: a car completes each lap once, and lap N+1 ends after lap N. A lap that
/// breaks this is rejected (naming the lap it collides with) and the car's other laps go on.
/// </summary>
internal static class LapChecks
{
    public static List<LapDraft> Apply(IEnumerable<LapDraft> drafts, IRejectionSink rejections)
    {
        var accepted = new List<LapDraft>();
        foreach (var car in drafts.GroupBy(d => d.Lap.Car))
        {
            var byLap = new SortedDictionary<int, LapDraft>();
            foreach (var draft in car.OrderBy(d => d.Line))
            {
                if (byLap.TryGetValue(draft.Lap.LapNumber, out var first))
                {
                    rejections.Reject(new InputRejection(draft.File, draft.Line,
                        $"duplicate lap {draft.Lap.LapNumber} of car {car.Key} (first given at line {first.Line}); this one is ignored"));
                    continue;
                }

                byLap[draft.Lap.LapNumber] = draft;
            }

            LapDraft? previous = null;
            foreach (var draft in byLap.Values)
            {
                if (previous is not null && draft.Lap.OccurredAt <= previous.Lap.OccurredAt)
                {
                    rejections.Reject(new InputRejection(draft.File, draft.Line,
                        $"lap {draft.Lap.LapNumber} of car {car.Key} ends at {draft.Lap.OccurredAt:HH:mm:ss.fff}, not after lap {previous.Lap.LapNumber} (line {previous.Line}, {previous.Lap.OccurredAt:HH:mm:ss.fff}): out of order"));
                    continue;
                }

                accepted.Add(draft);
                previous = draft;
            }
        }

        return accepted;
    }

    /// <summary>Rejects a draft whose car is not on the entry list (when there is one).</summary>
    public static bool IsEntered(CarId car, IReadOnlySet<CarId>? entered, string file, long line, IRejectionSink rejections)
    {
        if (entered is null || entered.Contains(car))
        {
            return true;
        }

        rejections.Reject(new InputRejection(file, line, $"unknown driver: car {car} is not on the entry list"));
        return false;
    }
}
