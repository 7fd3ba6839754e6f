namespace StratX.Models.NextLap;

/// <summary>Mean absolute and root-mean-square error of one predictor over the evaluable laps.</summary>
public readonly record struct ErrorScores(string Model, double Mae, double Rmse, int N);

/// <summary>Scores the model beside the naive rules on laps whose next lap is green and not an in or out lap.</summary>
public static class NextLapEvaluation
{
    public const string NaiveLast = "naive-last";
    public const string NaiveHybrid = "naive-hybrid";
    public const string FastTree = "fasttree";

    public static IReadOnlyList<ErrorScores> Evaluate(NextLapModel? model, IEnumerable<NextLapExample> examples)
    {
        var evaluable = examples.Where(e => e is { Evaluable: true, NextLapTime: not null }).ToList();
        if (evaluable.Count == 0)
        {
            return [];
        }

        var scores = new List<ErrorScores>
        {
            Score(NaiveLast, evaluable, evaluable.Select(e => e.NaiveLast).ToArray()),
            Score(NaiveHybrid, evaluable, evaluable.Select(e => e.NaiveHybrid).ToArray()),
        };
        if (model is not null)
        {
            scores.Insert(0, Score(FastTree, evaluable, model.Predict(evaluable)));
        }

        return scores;
    }

    private static ErrorScores Score(string name, List<NextLapExample> examples, double[] predictions)
    {
        double absolute = 0, squared = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var error = predictions[i] - examples[i].NextLapTime!.Value;
            absolute += Math.Abs(error);
            squared += error * error;
        }

        return new ErrorScores(name, absolute / examples.Count, Math.Sqrt(squared / examples.Count), examples.Count);
    }
}
