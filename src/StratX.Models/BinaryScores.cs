namespace StratX.Models;

/// <summary>How well a probability (or any score) ranks and, for probabilities, how well it is calibrated.</summary>
public readonly record struct BinaryScores(string Model, double Auc, double PrAuc, double? Brier, double? LogLoss, int N, int Positives)
{
    /// <summary>Scores for <paramref name="scores"/> against <paramref name="labels"/>; Brier and log-loss only when the scores are probabilities.</summary>
    public static BinaryScores Of(string model, IReadOnlyList<double> scores, IReadOnlyList<bool> labels, bool probabilities)
    {
        var n = labels.Count;
        var positives = labels.Count(l => l);
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();

        // AUC by ranks (ties share their average rank).
        var ranks = new double[n];
        var ascending = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j + 1 < n && scores[ascending[j + 1]] == scores[ascending[i]])
            {
                j++;
            }

            for (var k = i; k <= j; k++)
            {
                ranks[ascending[k]] = ((i + j) / 2.0) + 1;
            }

            i = j + 1;
        }

        var negatives = n - positives;
        var rankSum = Enumerable.Range(0, n).Where(i => labels[i]).Sum(i => ranks[i]);
        var auc = positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);

        // Average precision as the area under the precision-recall curve.
        double truePositives = 0, precisionSum = 0;
        for (var k = 0; k < n; k++)
        {
            if (labels[order[k]])
            {
                truePositives++;
                precisionSum += truePositives / (k + 1);
            }
        }

        double? brier = null, logLoss = null;
        if (probabilities)
        {
            brier = Enumerable.Range(0, n).Average(i => Math.Pow(scores[i] - (labels[i] ? 1 : 0), 2));
            logLoss = Enumerable.Range(0, n).Average(i => -Math.Log(Math.Clamp(labels[i] ? scores[i] : 1 - scores[i], 1e-6, 1)));
        }

        return new BinaryScores(model, auc, positives == 0 ? double.NaN : precisionSum / positives, brier, logLoss, n, positives);
    }
}
