using System.Text.Json;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Models.Live;
using StratX.Models.NextLap;
using StratX.Models.PitNextLap;

namespace StratX.Models.Tests;

/// <summary>The live feature path: laps added one at a time give the same features as the training examples.</summary>
public class RaceLapsTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 18)]
    [InlineData(10, 33)]
    [InlineData(21, 40)]
    public void Latest_lap_features_of_a_race_fed_lap_by_lap_equal_the_training_examples_of_that_lap(int round, int cut)
    {
        var (laps, total) = Season2021.All[round];
        var priors = new PitPriors();
        priors.Add("round-1", Season2021.All[1].TotalLaps, Season2021.All[1].Laps);

        // Laps arrive in the order cars crossed the line (cars interleaved), one lap sent twice.
        var teams = Season2021.Teams[round];
        var live = new RaceLaps(total, $"round-{round}", teams);
        var arriving = laps.Where(l => l.LapNumber <= cut).OrderBy(l => l.OccurredAt).ToList();
        foreach (var lap in arriving)
        {
            live.Add(lap);
        }

        live.Add(arriving[arriving.Count / 2]);
        var nextLap = ByCarAndLap(laps, NextLapDataset.FromRace(laps, total), (carLaps, i) => carLaps[i].LapTime is not null);
        var pit = ByCarAndLap(laps, PitDataset.FromRace(laps, total, $"round-{round}", priors, teams), (carLaps, i) => i + 1 < carLaps.Count && carLaps[i + 1].LapNumber == carLaps[i].LapNumber + 1 && !carLaps[i].PitIn);
        var cars = live.Cars.Where(c => live.Latest(c)!.LapNumber == cut).ToList();
        Assert.True(cars.Count >= 15, $"{cars.Count} cars ran lap {cut}");
        var checkedPit = 0;
        foreach (var car in cars)
        {
            Assert.Equal(NextLapFeatures(nextLap[(car, cut)]), NextLapFeatures(NextLapDataset.ForLatest(live, car)!));

            var latestPit = PitDataset.ForLatest(live, car, priors);
            if (live.Latest(car)!.PitIn)
            {
                Assert.Null(latestPit);
                continue;
            }

            Assert.Equal(PitFeatures(pit[(car, cut)]), PitFeatures(latestPit!));
            checkedPit++;
        }

        Assert.True(checkedPit >= 10);
    }

    [Fact]
    public void A_lap_sent_again_replaces_the_first_and_the_indexes_follow()
    {
        var (laps, total) = Season2021.All[2];
        var race = RaceLaps.Of(laps.Where(l => l.LapNumber <= 20), total);
        var inLap = laps.First(l => l is { PitIn: true, LapNumber: > 5 and <= 20, TrackStatus: Domain.Racing.TrackStatus.Green });
        var stopsBefore = race.InLaps(inLap.LapNumber);
        var stintsBefore = race.CompletedStints(20).Count;
        var medianBefore = race.FieldMedian(inLap.LapNumber);

        race.Add(inLap with { PitIn = false, LapTime = inLap.LapTime - 20 });

        Assert.Equal(stopsBefore - 1, race.InLaps(inLap.LapNumber));
        Assert.Equal(stintsBefore - 1, race.CompletedStints(20).Count);
        Assert.False(race.IsInLap(inLap.Car, inLap.LapNumber));
        Assert.Equal(race.LapsOf(inLap.Car).Select(l => l.LapNumber), race.LapsOf(inLap.Car).Select(l => l.LapNumber).Distinct().Order());
        Assert.NotEqual(medianBefore, race.FieldMedian(inLap.LapNumber));
        Assert.Same(race.LapOf(inLap.Car, inLap.LapNumber), race.At(inLap.LapNumber, inLap.Position!.Value));
    }

    [Fact]
    public void Stint_lengths_summed_without_allocating_match_the_completed_stints()
    {
        var (laps, total) = Season2021.All[7];
        var race = RaceLaps.Of(laps, total);
        var compounds = new[] { Domain.Racing.TyreCompound.Soft, Domain.Racing.TyreCompound.Medium, Domain.Racing.TyreCompound.Hard };
        var checkedAny = false;
        foreach (var lap in new[] { 10, 25, 40, total })
        {
            foreach (var car in race.Cars.Take(5))
            {
                foreach (var compound in compounds)
                {
                    var stints = race.CompletedStints(lap).Where(s => s.Car != car && s.Compound == compound).ToList();
                    Assert.Equal((stints.Sum(s => (long)s.Length), stints.Count), race.CompletedStintLengths(lap, compound, car));
                    checkedAny |= stints.Count > 0;
                }
            }
        }

        Assert.True(checkedAny);
    }

    /// <summary>FromRace's examples keyed by car and lap: it walks cars in order of their first lap and yields where <paramref name="yields"/> says.</summary>
    private static Dictionary<(CarId, int), T> ByCarAndLap<T>(IReadOnlyList<LapCompleted> laps, IEnumerable<T> examples, Func<List<LapCompleted>, int, bool> yields)
    {
        var keys = new List<(CarId, int)>();
        foreach (var car in laps.Select(l => l.Car).Distinct())
        {
            var carLaps = laps.Where(l => l.Car == car).OrderBy(l => l.LapNumber).ToList();
            keys.AddRange(Enumerable.Range(0, carLaps.Count).Where(i => yields(carLaps, i)).Select(i => (car, carLaps[i].LapNumber)));
        }

        var list = examples.ToList();
        Assert.Equal(keys.Count, list.Count);
        return keys.Zip(list).ToDictionary(p => p.First, p => p.Second);
    }

    private static string NextLapFeatures(NextLapExample e) =>
        JsonSerializer.Serialize(NextLapExample.FeatureColumns.Select(c => typeof(NextLapExample).GetProperty(c)!.GetValue(e)).Append(e.Reference));

    private static string PitFeatures(PitExample e) =>
        JsonSerializer.Serialize(PitExample.FeatureColumns.Concat(PitExample.CandidateColumns).Distinct().Select(c => typeof(PitExample).GetProperty(c)!.GetValue(e)));
}
