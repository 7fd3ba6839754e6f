using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>
/// A ceiling on the threads of every simulation started in the current asynchronous flow, whatever its options
/// ask: a host running simulations beside latency-sensitive work (a silo applying live laps) keeps cores for it.
/// </summary>
public static class SimulationThreads
{
    private static readonly AsyncLocal<int> Ceiling = new();

    /// <summary>At most <paramref name="threads"/> threads per simulation until the scope is disposed.</summary>
    public static IDisposable Limit(int threads)
    {
        var previous = Ceiling.Value;
        Ceiling.Value = Math.Max(1, threads);
        return new Scope(previous);
    }

    /// <summary>The threads a simulation asking for <paramref name="requested"/> (0: every core) gets here.</summary>
    public static int For(int requested)
    {
        var wanted = requested > 0 ? requested : Environment.ProcessorCount;
        return Ceiling.Value > 0 ? Math.Min(wanted, Ceiling.Value) : wanted;
    }

    private sealed class Scope(int previous) : IDisposable
    {
        public void Dispose() => Ceiling.Value = previous;
    }
}

/// <summary>Options of one simulation.</summary>
public sealed record SimulationOptions
{
    /// <summary>Races to simulate.</summary>
    public int Runs { get; init; } = 10_000;

    /// <summary>The same seed, state and strategies give the same result, however many threads run it.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Threads to use; 0 uses every core.</summary>
    public int Parallelism { get; init; }

    /// <summary>Stops the runs early (between chunks) with an <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// Simulates the rest of a race many times from a live state. Each lap every running car's time is its base
/// pace plus its tyre's compound offset, wear and cliff at its age, the fuel still aboard and noise; stops add
/// the circuit's pit loss for the track status; safety cars, VSCs and red flags start at the circuit's rates;
/// a car passes the one ahead only if its pace advantage beats the circuit's threshold (lower within the DRS
/// window), otherwise it is held behind at a cost; cars retire at a constant hazard; a dry-weather finisher
/// that has not used two dry compounds is disqualified. Under a neutralisation a car brings forward a stop it
/// planned within the next few laps.
/// </summary>
/// <remarks>
/// Runs are split into fixed chunks, each with its own generator seeded from the seed and the chunk's index,
/// so the result does not depend on thread scheduling. Every lap draws the same random numbers whatever
/// happens (common random numbers): two strategies compared with one seed see the same incidents and noise.
/// The inner loop allocates nothing: each worker owns its arrays.
/// </remarks>
public sealed class RaceSimulator(CircuitModel circuit)
{
    private const int ChunkRuns = 250;
    private const int MaxAge = 120;
    private const int Compounds = 6;

    public CircuitModel Circuit { get; } = circuit;

    /// <summary>Simulates the race to the flag; <paramref name="strategies"/> maps car ids to their plans (others stop no more).</summary>
    public SimulationResult Run(RaceSnapshot start, IReadOnlyDictionary<string, Strategy>? strategies, SimulationOptions? options = null)
    {
        options ??= new SimulationOptions();
        var errors = start.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidRaceStateException(errors);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Runs, 1);
        var race = Compile(start, strategies);
        return SimulationResult.From(start, Execute(race, options, null), options.Runs);
    }

    /// <summary>Runs the simulations; with a probe, also records one car's outcome in every run.</summary>
    internal ChunkResult Execute(CompiledRace race, SimulationOptions options, RunProbe? probe)
    {
        var chunks = (options.Runs + ChunkRuns - 1) / ChunkRuns;
        var perChunk = new ChunkResult[chunks];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = SimulationThreads.For(options.Parallelism), CancellationToken = options.Cancellation };
        Parallel.For(
            0,
            chunks,
            parallel,
            () => new Workspace(race.Cars),
            (chunk, _, workspace) =>
            {
                var runs = Math.Min(ChunkRuns, options.Runs - (chunk * ChunkRuns));
                var result = new ChunkResult(race.Cars);
                var rng = new Xoshiro256(options.Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(chunk + 1)));
                for (var run = 0; run < runs; run++)
                {
                    SimulateOne(race, workspace, ref rng, probe);
                    result.Add(workspace);
                    probe?.Record((chunk * ChunkRuns) + run, workspace);
                }

                perChunk[chunk] = result;
                return workspace;
            },
            _ => { });

        var total = new ChunkResult(race.Cars);
        foreach (var chunk in perChunk)
        {
            total.Merge(chunk);
        }

        return total;
    }

    internal CompiledRace Compile(RaceSnapshot start, IReadOnlyDictionary<string, Strategy>? strategies)
    {
        var n = start.Cars.Count;
        var race = new CompiledRace(n, start.TotalLaps, start.LapsCompleted)
        {
            Status = start.TrackStatus,
            StatusLapsLeft = start.TrackStatus == SimTrackStatus.Green ? 0 : Math.Max(1, start.NeutralisedLapsLeft),
        };

        for (var c = 0; c < Compounds; c++)
        {
            var compound = (TyreCompound)c;
            for (var age = 0; age <= MaxAge; age++)
            {
                race.TyreTime[(c * (MaxAge + 1)) + age] = compound == TyreCompound.Unknown ? 0 : Circuit.Tyre(compound).LapTimeAt(age);
            }
        }

        for (var lap = 0; lap <= start.TotalLaps; lap++)
        {
            race.FuelTime[lap] = Circuit.FuelEffectPerLap * (start.TotalLaps - lap);
        }

        var active = 0;
        for (var i = 0; i < n; i++)
        {
            var car = start.Cars[i];
            race.BasePace[i] = car.BasePace;
            race.Compound[i] = (byte)car.Compound;
            race.Age[i] = car.TyreAge;
            race.Stops[i] = car.Stops;
            race.Gap[i] = car.GapToLeader;
            race.Retired[i] = car.Retired;
            var used = 1 << (int)car.Compound;
            foreach (var compound in car.CompoundsUsed)
            {
                used |= 1 << (int)compound;
            }

            race.Used[i] = (byte)used;
            if (strategies is not null && strategies.TryGetValue(car.Id, out var strategy))
            {
                var stops = strategy.Stops.Where(s => s.Lap > start.LapsCompleted && s.Lap < start.TotalLaps).OrderBy(s => s.Lap).Take(CompiledRace.MaxStops).ToList();
                race.PlanCount[i] = stops.Count;
                for (var s = 0; s < stops.Count; s++)
                {
                    if (stops[s].Compound is TyreCompound.Unknown || !Enum.IsDefined(stops[s].Compound))
                    {
                        throw new InvalidRaceStateException([$"car {car.Id}: a planned stop fits an unknown compound."]);
                    }

                    race.PlanLap[(i * CompiledRace.MaxStops) + s] = stops[s].Lap;
                    race.PlanCompound[(i * CompiledRace.MaxStops) + s] = (byte)stops[s].Compound;
                }
            }

            if (!car.Retired)
            {
                race.Order[active++] = i;
            }
        }

        race.Active = active;
        var next = active;
        for (var i = 0; i < n; i++)
        {
            if (start.Cars[i].Retired)
            {
                race.Order[next++] = i;
                race.RetiredLap[i] = -1;
            }
        }

        return race;
    }

    private void SimulateOne(CompiledRace race, Workspace w, ref Xoshiro256 rng, RunProbe? probe)
    {
        var n = race.Cars;
        var c = Circuit;
        race.CopyInto(w);
        var status = race.Status;
        var statusLeft = race.StatusLapsLeft;
        var normals = NormalTable.Values;
        var tyreTime = race.TyreTime;
        const int ageStride = MaxAge + 1;

        // How fast each car really is over the rest of the race is itself uncertain: one draw per car per run.
        for (var i = 0; i < n; i++)
        {
            w.PaceOffset[i] = normals[(int)(rng.Next() & NormalTable.Mask)] * c.PaceUncertainty;
        }

        for (var lap = race.StartLap + 1; lap <= race.TotalLaps; lap++)
        {
            // The lap's draws, always the same count: incident, its kind and length, then per car noise + retirement.
            var incident = rng.NextDouble();
            var length = rng.Next();
            var started = false;
            if (status != SimTrackStatus.Green && statusLeft <= 0)
            {
                status = SimTrackStatus.Green;
            }

            if (status == SimTrackStatus.Green && lap < race.TotalLaps)
            {
                if (incident < c.RedFlagPerLap)
                {
                    RedFlag(race, w);
                    status = SimTrackStatus.SafetyCar;
                    statusLeft = 2;
                    started = true;
                }
                else if (incident < c.RedFlagPerLap + c.SafetyCarPerLap)
                {
                    status = SimTrackStatus.SafetyCar;
                    statusLeft = c.SafetyCarLapsMin + (int)(length % (ulong)(c.SafetyCarLapsMax - c.SafetyCarLapsMin + 1));
                    started = true;
                }
                else if (incident < c.RedFlagPerLap + c.SafetyCarPerLap + c.VscPerLap)
                {
                    status = SimTrackStatus.Vsc;
                    statusLeft = c.VscLapsMin + (int)(length % (ulong)(c.VscLapsMax - c.VscLapsMin + 1));
                    started = true;
                }
            }

            var pitLoss = status switch
            {
                SimTrackStatus.SafetyCar => c.PitLossSafetyCar,
                SimTrackStatus.Vsc => c.PitLossVsc,
                _ => c.PitLossGreen,
            };
            var fuel = race.FuelTime[lap];

            for (var i = 0; i < n; i++)
            {
                var bits = rng.Next();
                w.Pitted[i] = false;
                if (w.Retired[i])
                {
                    continue;
                }

                if ((bits >> 11) * (1.0 / (1UL << 53)) < c.RetirementPerLap)
                {
                    w.Retired[i] = true;
                    w.RetiredLap[i] = lap - 1;
                    continue;
                }

                var age = w.Age[i];
                double time;
                if (status == SimTrackStatus.Green)
                {
                    var pace = race.BasePace[i] + w.PaceOffset[i] + tyreTime[(w.Compound[i] * ageStride) + Math.Min(age + 1, MaxAge)] + fuel;
                    w.Pace[i] = pace;
                    time = pace + (normals[(int)(bits & NormalTable.Mask)] * c.LapTimeNoise);
                }
                else
                {
                    time = race.BasePace[i] * (status == SimTrackStatus.SafetyCar ? c.SafetyCarLapFactor : c.VscLapFactor);
                    w.Pace[i] = time;
                }

                var next = w.NextStop[i];
                if (next < race.PlanCount[i])
                {
                    var planned = race.PlanLap[(i * CompiledRace.MaxStops) + next];
                    if (planned <= lap || (started && planned - lap <= c.NeutralisedStopWindow))
                    {
                        var compound = race.PlanCompound[(i * CompiledRace.MaxStops) + next];
                        time += pitLoss;
                        w.Compound[i] = compound;
                        w.Used[i] |= (byte)(1 << compound);
                        w.Stops[i]++;
                        w.NextStop[i] = next + 1;
                        w.Pitted[i] = true;
                        age = -1;
                    }
                }

                w.Age[i] = age + 1;
                w.PreviousGap[i] = w.Gap[i];
                w.Gap[i] += time;
            }

            RemoveRetired(w, ref w.Active);
            ApplyRacing(w, status, lap);
            if (probe is not null && lap == probe.ObserveAfterLap)
            {
                w.ObservedAhead = probe.IsAhead(w);
            }

            if (status != SimTrackStatus.Green)
            {
                statusLeft--;
            }
        }

        Classify(race, w);
    }

    /// <summary>Front to back in last lap's order: passes that the pace allows, followers held otherwise, queues behind a safety car.</summary>
    private void ApplyRacing(Workspace w, SimTrackStatus status, int lap)
    {
        var c = Circuit;
        var order = w.Order;
        for (var p = 1; p < w.Active; p++)
        {
            var k = order[p];
            var a = order[p - 1];
            if (w.Pitted[a] && !w.Pitted[k])
            {
                continue;
            }

            if (status == SimTrackStatus.SafetyCar)
            {
                // The queue closes up behind the safety car: most of each gap goes every lap, down to the queue's spacing.
                w.Gap[k] = w.Gap[a] + Math.Max(c.SafetyCarGap, (w.Gap[k] - w.Gap[a]) * c.SafetyCarGapKept);
                continue;
            }

            if (w.Gap[k] >= w.Gap[a] + c.MinimumGap || w.Pitted[k])
            {
                continue;
            }

            if (status == SimTrackStatus.Vsc)
            {
                w.Gap[k] = w.Gap[a] + c.MinimumGap;
                continue;
            }

            // Passing takes a real pace advantage (tyres, car), not a lucky lap: the noise-free lap times decide.
            var advantage = w.Pace[a] - w.Pace[k];
            var threshold = c.OvertakeThreshold;
            if (lap >= c.DrsFromLap && w.PreviousGap[k] - w.PreviousGap[a] <= c.DrsWindow)
            {
                threshold -= c.DrsAdvantage;
            }

            if (advantage > threshold)
            {
                w.Gap[k] += c.PassCost;
                w.Gap[a] = Math.Max(w.Gap[a] + c.PassCost, w.Gap[k] + c.MinimumGap);
                order[p - 1] = k;
                order[p] = a;
            }
            else
            {
                w.Gap[k] = w.Gap[a] + c.MinimumGap + c.HeldCost;
            }
        }

        // Stops reshuffle the order: settle it by race time (nearly sorted, so insertion sort).
        for (var p = 1; p < w.Active; p++)
        {
            var car = order[p];
            var gap = w.Gap[car];
            var q = p - 1;
            while (q >= 0 && w.Gap[order[q]] > gap)
            {
                order[q + 1] = order[q];
                q--;
            }

            order[q + 1] = car;
        }
    }

    /// <summary>Race stopped: the order holds, the field closes up, everyone may change tyres for free.</summary>
    private void RedFlag(CompiledRace race, Workspace w)
    {
        if (w.Active == 0)
        {
            return;
        }

        var leader = w.Gap[w.Order[0]];
        for (var p = 0; p < w.Active; p++)
        {
            var i = w.Order[p];
            w.Gap[i] = leader + (p * Circuit.SafetyCarGap);
            var next = w.NextStop[i];
            if (next < race.PlanCount[i])
            {
                var compound = race.PlanCompound[(i * CompiledRace.MaxStops) + next];
                w.Compound[i] = compound;
                w.Used[i] |= (byte)(1 << compound);
                w.NextStop[i] = next + 1;
            }

            w.Age[i] = 0;
        }
    }

    private static void RemoveRetired(Workspace w, ref int active)
    {
        var kept = 0;
        for (var p = 0; p < active; p++)
        {
            var car = w.Order[p];
            if (!w.Retired[car])
            {
                w.Order[kept++] = car;
            }
        }

        active = kept;
    }

    private static void Classify(CompiledRace race, Workspace w)
    {
        const int dry = (1 << (int)TyreCompound.Soft) | (1 << (int)TyreCompound.Medium) | (1 << (int)TyreCompound.Hard);
        var position = 0;
        var disqualified = 0;
        for (var p = 0; p < w.Active; p++)
        {
            var car = w.Order[p];
            var used = w.Used[car];
            var wet = (used & ~dry) != 0;
            if (!wet && System.Numerics.BitOperations.PopCount((uint)(used & dry)) < 2)
            {
                w.Disqualified[car] = true;
                w.Finish[disqualified++] = car;
                continue;
            }

            w.Position[car] = position++;
            w.Disqualified[car] = false;
        }

        // Retired cars after the finishers: more laps first, then the order they ran in.
        var retiredStart = position;
        for (var i = 0; i < race.Cars; i++)
        {
            if (!w.Retired[i])
            {
                continue;
            }

            var rank = retiredStart;
            for (var j = 0; j < race.Cars; j++)
            {
                if (j != i && w.Retired[j] && (w.RetiredLap[j] > w.RetiredLap[i] || (w.RetiredLap[j] == w.RetiredLap[i] && j < i)))
                {
                    rank++;
                }
            }

            w.Position[i] = rank;
            position++;
        }

        for (var d = 0; d < disqualified; d++)
        {
            w.Position[w.Finish[d]] = position++;
        }
    }
}

/// <summary>The state is not one the simulator can start from; the reasons say why.</summary>
public sealed class InvalidRaceStateException(IReadOnlyList<string> errors)
    : ArgumentException("Invalid race state: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
