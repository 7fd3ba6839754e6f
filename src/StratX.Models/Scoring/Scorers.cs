using StratX.Models.NextLap;
using StratX.Models.Overtake;
using StratX.Models.PitNextLap;

namespace StratX.Models.Scoring;

/// <summary>What a regression pipeline gives for one row.</summary>
public sealed class RegressionScore
{
    public float Score { get; set; }
}

/// <summary>What a calibrated binary classifier gives for one row.</summary>
public sealed class BinaryScore
{
    public float Probability { get; set; }

    public float Score { get; set; }

    public bool PredictedLabel { get; set; }
}

/// <summary>The next-lap model for one lap at a time.</summary>
public sealed class NextLapScorer(PooledEngine<NextLapExample, RegressionScore> engine)
{
    /// <summary>Predicted next lap time (s).</summary>
    public double Predict(NextLapExample example) => example.Reference + engine.Predict(example).Score;
}

/// <summary>The pit-next-lap model for one lap at a time, with the circuit stop priors it was trained with.</summary>
public sealed class PitScorer(PooledEngine<PitExample, BinaryScore> engine, PitPriors? priors)
{
    public PitPriors? Priors => priors;

    public double Predict(PitExample example) => engine.Predict(example).Probability;

    /// <summary>The model file of a version folder and its priors file when there is one.</summary>
    public static PitScorer Load(string folder)
    {
        var model = PitModel.Load(Path.Combine(folder, ModelFiles.ModelFile));
        var priorsFile = Path.Combine(folder, PitPriors.FileName);
        return new PitScorer(model.CreateEngine(), File.Exists(priorsFile) ? PitPriors.Load(priorsFile) : null);
    }
}

/// <summary>The overtake model for one car at a time: the three horizons from one set of features.</summary>
public sealed class OvertakeScorer(PooledEngine<OvertakeExample, BinaryScore> engine)
{
    /// <summary>P(ahead of the car now ahead after 1, 2 and 3 laps), one engine call per horizon.</summary>
    public (double One, double Two, double Three) Predict(OvertakeExample example) =>
        (engine.Predict(example.For(1, false)).Probability, engine.Predict(example.For(2, false)).Probability, engine.Predict(example.For(3, false)).Probability);

    public static OvertakeScorer Load(string folder) => new(OvertakeModel.Load(Path.Combine(folder, ModelFiles.ModelFile)).CreateEngine());
}
