using StratX.Domain.Events;

namespace StratX.Models.PitNextLap;

/// <summary>
/// When cars have stopped at a circuit before: per circuit, the share of cars that came in near each point
/// of the race in earlier seasons. Built only from races before the one being described, so it is causal.
/// </summary>
public sealed class PitPriors
{
    /// <summary>Half-width of the window around a race fraction, in laps.</summary>
    private const int WindowLaps = 2;

    private readonly Dictionary<string, List<(double Fraction, int Total)>> _stops = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _carRaces = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(double Fraction, int Total)> _allStops = [];
    private int _allCarRaces;

    /// <summary>Adds a finished race's stops.</summary>
    public void Add(string? circuit, int totalLaps, IReadOnlyList<LapCompleted> laps)
    {
        var cars = laps.Select(l => l.Car).Distinct().Count();
        var stops = laps.Where(l => l.PitIn && l.LapNumber < totalLaps).Select(l => ((double)l.LapNumber / totalLaps, totalLaps)).ToList();
        _allStops.AddRange(stops);
        _allCarRaces += cars;
        if (circuit is null)
        {
            return;
        }

        if (!_stops.TryGetValue(circuit, out var list))
        {
            list = [];
            _stops[circuit] = list;
        }

        list.AddRange(stops);
        _carRaces[circuit] = _carRaces.GetValueOrDefault(circuit) + cars;
    }

    /// <summary>Per-lap stop rate near lap <paramref name="lap"/> of <paramref name="totalLaps"/> at the circuit (all circuits when it is unknown); −1 with no history.</summary>
    public float RateNear(string? circuit, int lap, int totalLaps, bool allCircuits = false)
    {
        var (stops, carRaces) = !allCircuits && circuit is not null && _stops.TryGetValue(circuit, out var list)
            ? (list, _carRaces[circuit])
            : (_allStops, _allCarRaces);
        if (carRaces == 0)
        {
            return -1;
        }

        var fraction = (double)lap / totalLaps;
        var width = (double)WindowLaps / totalLaps;
        var near = stops.Count(s => Math.Abs(s.Fraction - fraction) <= width);
        return (float)(near / (carRaces * ((2.0 * WindowLaps) + 1)));
    }
}
