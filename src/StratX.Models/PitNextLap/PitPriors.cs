using System.Text.Json;
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

    /// <summary>The priors file written beside a pit model, so the server needs no history to score.</summary>
    public const string FileName = "priors.json";

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(new PriorsFile(
        _stops.ToDictionary(s => s.Key, s => s.Value.Select(v => new[] { v.Fraction, v.Total }).ToList()),
        _carRaces,
        [.. _allStops.Select(v => new[] { v.Fraction, v.Total })],
        _allCarRaces)));

    /// <exception cref="InvalidDataException">The file is missing or not a priors file.</exception>
    public static PitPriors Load(string path)
    {
        PriorsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<PriorsFile>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new InvalidDataException($"{path} is not a readable pit priors file: {e.Message}", e);
        }

        if (file is null || file.Stops is null || file.CarRaces is null || file.AllStops is null || file.Stops.Values.Concat([file.AllStops]).Any(l => l.Any(v => v.Length != 2)))
        {
            throw new InvalidDataException($"{path} is not a pit priors file: stops, carRaces and allStops are required, each stop as [fraction, laps].");
        }

        var priors = new PitPriors { _allCarRaces = file.AllCarRaces };
        priors._allStops.AddRange(file.AllStops.Select(v => (v[0], (int)v[1])));
        foreach (var (circuit, stops) in file.Stops)
        {
            priors._stops[circuit] = [.. stops.Select(v => (v[0], (int)v[1]))];
            priors._carRaces[circuit] = file.CarRaces.GetValueOrDefault(circuit);
        }

        return priors;
    }

    private sealed record PriorsFile(Dictionary<string, List<double[]>> Stops, Dictionary<string, int> CarRaces, List<double[]> AllStops, int AllCarRaces);
}
