using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;

namespace StratX.Models.Live;

/// <summary>A stint that ended in the pits: the lap it ended on (the in-lap), its compound, its length in laps and the car.</summary>
public readonly record struct CompletedStint(int EndedOn, TyreCompound Compound, int Length, CarId Car);

/// <summary>
/// The race so far, indexed for the models' features: every car's laps in lap order, laps by (lap, position),
/// in-laps per lap, completed stints and the field's clean-lap median per lap. Laps are added one at a time
/// as they arrive (cars in any order, each car's laps in lap order; a lap sent again for the same car and lap
/// replaces the first), so the grains score a car's latest lap with the same code that built the training
/// examples from whole races. Not thread-safe: one owner adds and reads.
/// </summary>
public sealed class RaceLaps
{
    private static readonly IReadOnlyList<LapCompleted> NoLaps = [];

    private readonly List<CarId> _cars = [];
    private readonly Dictionary<CarId, List<LapCompleted>> _byCar = [];
    private readonly Dictionary<(int Lap, int Position), LapCompleted> _byLapPosition = [];
    private readonly Dictionary<int, List<LapCompleted>> _byLap = [];
    private readonly Dictionary<int, int> _inLaps = [];
    private readonly Dictionary<int, double?> _fieldMedian = [];
    private readonly Dictionary<CarId, CarId> _teamMates = [];

    /// <param name="totalLaps">Race distance in laps.</param>
    /// <param name="circuit">The circuit, when known.</param>
    /// <param name="teams">The team of each car, from the entry list (known before the start); none: no car has a team-mate.</param>
    public RaceLaps(int totalLaps, string? circuit = null, IReadOnlyDictionary<CarId, string>? teams = null)
    {
        TotalLaps = totalLaps;
        Circuit = circuit;
        if (teams is null)
        {
            return;
        }

        foreach (var (car, team) in teams)
        {
            foreach (var (other, otherTeam) in teams)
            {
                if (other != car && string.Equals(team, otherTeam, StringComparison.OrdinalIgnoreCase))
                {
                    _teamMates[car] = other;
                }
            }
        }
    }

    /// <summary>Race distance in laps.</summary>
    public int TotalLaps { get; }

    /// <summary>The circuit (for priors from earlier seasons), when known.</summary>
    public string? Circuit { get; }

    /// <summary>Cars in the order their first lap arrived.</summary>
    public IReadOnlyList<CarId> Cars => _cars;

    /// <summary>A whole recorded race, added in the order given.</summary>
    public static RaceLaps Of(IEnumerable<LapCompleted> laps, int totalLaps, string? circuit = null, IReadOnlyDictionary<CarId, string>? teams = null)
    {
        var race = new RaceLaps(totalLaps, circuit, teams);
        foreach (var lap in laps)
        {
            race.Add(lap);
        }

        return race;
    }

    /// <summary>Each entered car's team (cars without one are left out); null when no entry names a team.</summary>
    public static IReadOnlyDictionary<CarId, string>? TeamsOf(IEnumerable<Entry>? entries)
    {
        var teams = new Dictionary<CarId, string>();
        foreach (var entry in entries ?? [])
        {
            if (!string.IsNullOrWhiteSpace(entry.Team))
            {
                teams[entry.Car] = entry.Team;
            }
        }

        return teams.Count > 0 ? teams : null;
    }

    /// <summary>The other car of the car's team (null when the teams are not known or it has none).</summary>
    public CarId? TeamMateOf(CarId car) => _teamMates.TryGetValue(car, out var mate) ? mate : null;

    /// <summary>A lap that shows the car's pace: timed, green, not an in or out lap, not the standing start.</summary>
    public static bool IsClean(LapCompleted lap) =>
        lap is { LapTime: not null, PitIn: false, PitOut: false, TrackStatus: TrackStatus.Green } && lap.LapNumber > 1;

    public void Add(LapCompleted lap)
    {
        if (!_byCar.TryGetValue(lap.Car, out var laps))
        {
            laps = [];
            _byCar[lap.Car] = laps;
            _cars.Add(lap.Car);
        }

        // Laps come in lap order, so the place is nearly always the end; a replay or correction may not be.
        var index = laps.Count;
        while (index > 0 && laps[index - 1].LapNumber > lap.LapNumber)
        {
            index--;
        }

        if (index > 0 && laps[index - 1].LapNumber == lap.LapNumber)
        {
            Remove(laps[index - 1]);
            laps[index - 1] = lap;
        }
        else
        {
            laps.Insert(index, lap);
        }

        if (lap.Position is { } position)
        {
            _byLapPosition.TryAdd((lap.LapNumber, position), lap);
        }

        if (!_byLap.TryGetValue(lap.LapNumber, out var onLap))
        {
            onLap = [];
            _byLap[lap.LapNumber] = onLap;
        }

        onLap.Add(lap);
        if (lap.PitIn)
        {
            _inLaps[lap.LapNumber] = _inLaps.GetValueOrDefault(lap.LapNumber) + 1;
        }

        _fieldMedian.Remove(lap.LapNumber);
    }

    /// <summary>The car's laps so far, in lap order (empty for a car not seen).</summary>
    public IReadOnlyList<LapCompleted> LapsOf(CarId car) => _byCar.TryGetValue(car, out var laps) ? laps : NoLaps;

    /// <summary>The car's latest lap, if any.</summary>
    public LapCompleted? Latest(CarId car) => _byCar.TryGetValue(car, out var laps) && laps.Count > 0 ? laps[^1] : null;

    /// <summary>The car's lap with this number, if it has been run.</summary>
    public LapCompleted? LapOf(CarId car, int lapNumber)
    {
        if (!_byCar.TryGetValue(car, out var laps))
        {
            return null;
        }

        var index = IndexOf(laps, lapNumber);
        return index >= 0 ? laps[index] : null;
    }

    /// <summary>The lap that ended lap <paramref name="lapNumber"/> in <paramref name="position"/> (the first sent, if two claim it).</summary>
    public LapCompleted? At(int lapNumber, int position) => _byLapPosition.GetValueOrDefault((lapNumber, position));

    /// <summary>Cars that came into the pits at the end of lap <paramref name="lapNumber"/>.</summary>
    public int InLaps(int lapNumber) => _inLaps.GetValueOrDefault(lapNumber);

    /// <summary>Whether the car's lap <paramref name="lapNumber"/> ended in the pit lane.</summary>
    public bool IsInLap(CarId car, int lapNumber) => LapOf(car, lapNumber)?.PitIn == true;

    /// <summary>
    /// Stints that had ended in the pits by the end of lap <paramref name="upToLap"/>, as then known: per car, each
    /// stint whose latest lap up to there is an in-lap (its length is the tyre age then, or the laps seen in
    /// it). Later laps do not change the answer, so training examples built from whole races see what a live
    /// race would have seen. In the order of the cars, then of the stints.
    /// </summary>
    public List<CompletedStint> CompletedStints(int upToLap)
    {
        var completed = new List<CompletedStint>();
        var stints = new Dictionary<int, (LapCompleted Last, int Count)>();
        var order = new List<int>();
        foreach (var car in _cars)
        {
            stints.Clear();
            order.Clear();
            foreach (var lap in _byCar[car])
            {
                if (lap.LapNumber > upToLap)
                {
                    break;
                }

                if (lap.Stint is not { } stint)
                {
                    continue;
                }

                if (stints.TryGetValue(stint, out var seen))
                {
                    stints[stint] = (lap, seen.Count + 1);
                }
                else
                {
                    stints[stint] = (lap, 1);
                    order.Add(stint);
                }
            }

            foreach (var stint in order)
            {
                var (last, count) = stints[stint];
                if (last.PitIn)
                {
                    completed.Add(new CompletedStint(last.LapNumber, last.Compound, last.TyreAge ?? count, car));
                }
            }
        }

        return completed;
    }

    /// <summary>
    /// Total length and count of the <see cref="CompletedStints"/> by lap <paramref name="upToLap"/> on
    /// <paramref name="compound"/> by cars other than <paramref name="except"/>, without allocating (the live path).
    /// </summary>
    public (long Sum, int Count) CompletedStintLengths(int upToLap, TyreCompound compound, CarId except)
    {
        const int MaxStints = 32;
        Span<int> last = stackalloc int[MaxStints];
        Span<int> count = stackalloc int[MaxStints];
        long sum = 0;
        var stints = 0;
        foreach (var car in _cars)
        {
            if (car == except)
            {
                continue;
            }

            var laps = _byCar[car];
            last.Fill(-1);
            count.Clear();
            for (var j = 0; j < laps.Count && laps[j].LapNumber <= upToLap; j++)
            {
                if (laps[j].Stint is not { } stint)
                {
                    continue;
                }

                if (stint is < 0 or >= MaxStints)
                {
                    return Fallback(upToLap, compound, except);
                }

                last[stint] = j;
                count[stint]++;
            }

            for (var stint = 0; stint < MaxStints; stint++)
            {
                if (last[stint] >= 0 && laps[last[stint]] is { PitIn: true } end && end.Compound == compound)
                {
                    sum += end.TyreAge ?? count[stint];
                    stints++;
                }
            }
        }

        return (sum, stints);
    }

    /// <summary>Median lap time of the clean laps run as lap <paramref name="lapNumber"/> (null when none); cached until that lap changes.</summary>
    public double? FieldMedian(int lapNumber)
    {
        if (_fieldMedian.TryGetValue(lapNumber, out var cached))
        {
            return cached;
        }

        double? median = null;
        if (_byLap.TryGetValue(lapNumber, out var laps))
        {
            var times = new List<double>(laps.Count);
            foreach (var lap in laps)
            {
                if (IsClean(lap))
                {
                    times.Add(lap.LapTime!.Value);
                }
            }

            median = times.Count == 0 ? null : Median(times);
        }

        _fieldMedian[lapNumber] = median;
        return median;
    }

    /// <summary>Median of the values (sorts the list).</summary>
    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>Index of lap <paramref name="lapNumber"/> in a car's ordered laps, or −1.</summary>
    public static int IndexOf(IReadOnlyList<LapCompleted> laps, int lapNumber)
    {
        int low = 0, high = laps.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var at = laps[middle].LapNumber;
            if (at == lapNumber)
            {
                return middle;
            }

            if (at < lapNumber)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    private (long Sum, int Count) Fallback(int upToLap, TyreCompound compound, CarId except)
    {
        long sum = 0;
        var count = 0;
        foreach (var stint in CompletedStints(upToLap))
        {
            if (stint.Car != except && stint.Compound == compound)
            {
                sum += stint.Length;
                count++;
            }
        }

        return (sum, count);
    }

    private void Remove(LapCompleted old)
    {
        if (old.Position is { } position && _byLapPosition.TryGetValue((old.LapNumber, position), out var held) && ReferenceEquals(held, old))
        {
            _byLapPosition.Remove((old.LapNumber, position));
        }

        _byLap[old.LapNumber].Remove(old);
        if (old.PitIn)
        {
            _inLaps[old.LapNumber]--;
        }
    }
}
