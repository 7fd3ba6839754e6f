namespace StratX.Simulation;

/// <summary>A start state and its strategies as flat arrays, shared read-only by every worker.</summary>
internal sealed class CompiledRace
{
    public const int MaxStops = 4;

    public CompiledRace(int cars, int totalLaps, int startLap)
    {
        Cars = cars;
        TotalLaps = totalLaps;
        StartLap = startLap;
        BasePace = new double[cars];
        Gap = new double[cars];
        Compound = new byte[cars];
        Used = new byte[cars];
        Age = new int[cars];
        Stops = new int[cars];
        Retired = new bool[cars];
        RetiredLap = new int[cars];
        Order = new int[cars];
        PlanCount = new int[cars];
        PlanLap = new int[cars * MaxStops];
        PlanCompound = new byte[cars * MaxStops];
        TyreTime = new double[6 * 121];
        FuelTime = new double[totalLaps + 1];
    }

    public int Cars { get; }

    public int TotalLaps { get; }

    public int StartLap { get; }

    public SimTrackStatus Status { get; init; }

    public int StatusLapsLeft { get; init; }

    public int Active { get; set; }

    public double[] BasePace { get; }

    public double[] Gap { get; }

    public byte[] Compound { get; }

    public byte[] Used { get; }

    public int[] Age { get; }

    public int[] Stops { get; }

    public bool[] Retired { get; }

    public int[] RetiredLap { get; }

    public int[] Order { get; }

    public int[] PlanCount { get; }

    public int[] PlanLap { get; }

    public byte[] PlanCompound { get; }

    /// <summary>Tyre share of a lap time by compound and age: [compound * 121 + age].</summary>
    public double[] TyreTime { get; }

    /// <summary>Fuel share of a lap time by lap number.</summary>
    public double[] FuelTime { get; }

    public void CopyInto(Workspace w)
    {
        Gap.CopyTo(w.Gap, 0);
        Compound.CopyTo(w.Compound, 0);
        Used.CopyTo(w.Used, 0);
        Age.CopyTo(w.Age, 0);
        Stops.CopyTo(w.Stops, 0);
        Retired.CopyTo(w.Retired, 0);
        RetiredLap.CopyTo(w.RetiredLap, 0);
        Order.CopyTo(w.Order, 0);
        Array.Clear(w.NextStop);
        w.Active = Active;
    }
}

/// <summary>One worker's mutable arrays for the run in progress.</summary>
internal sealed class Workspace(int cars)
{
    public int Active;

    /// <summary>Whether the probed car was ahead of its rival at the probe's lap in the run just simulated.</summary>
    public bool ObservedAhead;

    public double[] Gap { get; } = new double[cars];

    public double[] PreviousGap { get; } = new double[cars];

    /// <summary>This run's draw of how far each car's true pace is from its estimate (s/lap).</summary>
    public double[] PaceOffset { get; } = new double[cars];

    /// <summary>This lap's time without noise (the car's pace on its tyres and fuel).</summary>
    public double[] Pace { get; } = new double[cars];

    public byte[] Compound { get; } = new byte[cars];

    public byte[] Used { get; } = new byte[cars];

    public int[] Age { get; } = new int[cars];

    public int[] Stops { get; } = new int[cars];

    public int[] NextStop { get; } = new int[cars];

    public bool[] Retired { get; } = new bool[cars];

    public int[] RetiredLap { get; } = new int[cars];

    public bool[] Pitted { get; } = new bool[cars];

    public bool[] Disqualified { get; } = new bool[cars];

    public int[] Order { get; } = new int[cars];

    /// <summary>Finishing position (0-based) of each car in the run just simulated.</summary>
    public int[] Position { get; } = new int[cars];

    public int[] Finish { get; } = new int[cars];
}

/// <summary>Counts from a number of runs; chunks are merged in a fixed order so results are reproducible.</summary>
internal sealed class ChunkResult(int cars)
{
    public int Cars { get; } = cars;

    /// <summary>[car * cars + position] → runs.</summary>
    public long[] PositionCounts { get; } = new long[cars * cars];

    public double[] FinishTimeSum { get; } = new double[cars];

    public long[] Finished { get; } = new long[cars];

    public long[] RetiredCount { get; } = new long[cars];

    public long[] DisqualifiedCount { get; } = new long[cars];

    public double[] StopsSum { get; } = new double[cars];

    public void Add(Workspace w)
    {
        for (var i = 0; i < Cars; i++)
        {
            PositionCounts[(i * Cars) + w.Position[i]]++;
            StopsSum[i] += w.Stops[i];
            if (w.Retired[i])
            {
                RetiredCount[i]++;
            }
            else if (w.Disqualified[i])
            {
                DisqualifiedCount[i]++;
            }
            else
            {
                Finished[i]++;
                FinishTimeSum[i] += w.Gap[i];
            }
        }
    }

    public void Merge(ChunkResult other)
    {
        for (var i = 0; i < PositionCounts.Length; i++)
        {
            PositionCounts[i] += other.PositionCounts[i];
        }

        for (var i = 0; i < Cars; i++)
        {
            FinishTimeSum[i] += other.FinishTimeSum[i];
            Finished[i] += other.Finished[i];
            RetiredCount[i] += other.RetiredCount[i];
            DisqualifiedCount[i] += other.DisqualifiedCount[i];
            StopsSum[i] += other.StopsSum[i];
        }
    }
}

/// <summary>Follows one car through every run: its finishing position and time, and whether it was ahead of a rival at a given lap.</summary>
internal sealed class RunProbe(int car, int runs, int rival = -1, int observeAfterLap = -1)
{
    public int Car { get; } = car;

    public int Rival { get; } = rival;

    public int ObserveAfterLap { get; } = observeAfterLap;

    /// <summary>Finishing position (0-based) in each run.</summary>
    public int[] Positions { get; } = new int[runs];

    /// <summary>Race time to the flag in each run (+∞ when it did not finish classified).</summary>
    public double[] Times { get; } = new double[runs];

    public bool[] Ahead { get; } = new bool[runs];

    public bool IsAhead(Workspace w)
    {
        if (w.Retired[Car])
        {
            return false;
        }

        if (Rival < 0 || w.Retired[Rival])
        {
            return true;
        }

        for (var p = 0; p < w.Active; p++)
        {
            if (w.Order[p] == Car)
            {
                return true;
            }

            if (w.Order[p] == Rival)
            {
                return false;
            }
        }

        return false;
    }

    public void Record(int run, Workspace w)
    {
        Positions[run] = w.Position[Car];
        Times[run] = w.Retired[Car] || w.Disqualified[Car] ? double.PositiveInfinity : w.Gap[Car];
        Ahead[run] = w.ObservedAhead;
        w.ObservedAhead = false;
    }
}
