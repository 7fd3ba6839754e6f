using Microsoft.Extensions.Options;
using Orleans.Streams;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Tyres;
using StratX.Grains.Hosting;
using StratX.Grains.Security;
using StratX.Grains.Streams;
using StratX.Grains.Updates;
using StratX.Grains.Views;

namespace StratX.Grains.Stints;

/// <summary>One stint: its laps, average pace and fuel-corrected degradation, refitted on every lap.</summary>
public sealed class StintGrain(
    [PersistentState("stint", OrleansNames.RaceStateStorage)] IPersistentState<StintState> state,
    IOptions<UpdateOptions> updateOptions,
    TimeProvider time)
    : Grain, IStintGrain, ITenantScopedGrain
{
    private StintKey _key;
    private IAsyncStream<RaceUpdate> _updates = null!;
    private UpdateThrottle _stintUpdates = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = StintKey.Parse(this.GetPrimaryKeyString());
        _updates = RaceStreams.Updates(this.GetStreamProvider(OrleansNames.UpdateStreams), _key.Car.Session);
        _stintUpdates = new UpdateThrottle(this, updateOptions.Value.MinInterval, time, ingestedAt =>
            _updates.OnNextAsync(new StintUpdate { Session = _key.Car.Session, IngestedAtTicks = ingestedAt, Stint = BuildView() }));
        return Task.CompletedTask;
    }

    public async ValueTask<StintView> Start(StintSummary stint, long ingestedAtTicks)
    {
        state.State.Summary = stint;
        return await Save(ingestedAtTicks);
    }

    public async ValueTask<StintView> AddLap(LapRecord lap, long ingestedAtTicks)
    {
        var summary = state.State.Summary ?? throw new InvalidOperationException($"Stint {_key} got lap {lap.LapNumber} before it started.");
        var tyreAge = lap.TyreAge ?? (summary.TyreAgeAtStart + lap.LapNumber - summary.LapStart + 1);
        state.State.Laps.Upsert(new StintLap(lap.LapNumber, tyreAge, lap.LapTime, null, false, lap.IsClean), l => l.LapNumber);
        state.State.Summary = summary with { LapEnd = Math.Max(summary.LapEnd, lap.LapNumber) };
        Refit();
        return await Save(ingestedAtTicks);
    }

    public ValueTask<StintView?> GetView() => ValueTask.FromResult(state.State.Summary is null ? null : BuildView());

    private void Refit()
    {
        var laps = state.State.Laps;
        var n = laps.Count;
        var lapNumbers = new int[n];
        var ages = new int[n];
        var cleanTimes = new double[n];
        var used = new bool[n];
        for (var i = 0; i < n; i++)
        {
            lapNumbers[i] = laps[i].LapNumber;
            ages[i] = laps[i].TyreAge;
            cleanTimes[i] = laps[i] is { IsClean: true, LapTime: { } t } ? t : double.NaN;
        }

        var result = StintPace.Analyse(lapNumbers, ages, cleanTimes, FuelModel.Default, used);
        for (var i = 0; i < n; i++)
        {
            laps[i] = laps[i] with
            {
                UsedInFit = used[i],
                FuelCorrectedLapTime = laps[i].LapTime is { } t ? Math.Round(FuelModel.Default.Correct(t, laps[i].LapNumber), 3) : null,
            };
        }

        state.State.AveragePace = result.AveragePace;
        state.State.Degradation = result.Degradation;
    }

    private async Task<StintView> Save(long ingestedAtTicks)
    {
        await state.WriteStateAsync();
        await _stintUpdates.ChangedAsync(ingestedAtTicks);
        return BuildView();
    }

    private StintView BuildView()
    {
        var summary = state.State.Summary!;
        return new StintView
        {
            Car = _key.Car,
            Number = summary.Number,
            Compound = summary.Compound,
            TyreAgeAtStart = summary.TyreAgeAtStart,
            LapStart = summary.LapStart,
            LapEnd = summary.LapEnd,
            AveragePace = state.State.AveragePace,
            Degradation = state.State.Degradation,
            Laps = [.. state.State.Laps],
        };
    }
}
