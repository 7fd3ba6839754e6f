using Microsoft.ML;
using Microsoft.ML.Data;
using StratX.Models.Scoring;

namespace StratX.Models;

/// <summary>
/// A fitted ML.NET pipeline with the context and input schema it was built with: what every trained model
/// keeps, saves, loads, scores in batches (evaluation) and scores one row at a time (live, pooled engines).
/// </summary>
internal sealed record MlPipeline(MLContext Ml, ITransformer Model, DataViewSchema Schema)
{
    /// <param name="path">The model file.</param>
    /// <param name="what">What the model is, for the message ("next-lap model").</param>
    /// <param name="components">Assemblies of trainers outside ML.NET's core and FastTree (LightGBM) whose models the file may hold.</param>
    /// <exception cref="InvalidDataException">The file is missing or not a readable model.</exception>
    public static MlPipeline Load(string path, string what, params System.Reflection.Assembly[] components)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"There is no {what} at {path}.");
        }

        var ml = new MLContext(1);
        foreach (var assembly in components)
        {
            ml.ComponentCatalog.RegisterAssembly(assembly);
        }

        try
        {
            var model = ml.Model.Load(path, out var schema);
            return new MlPipeline(ml, model, schema);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not a readable {what}: {e.Message}", e);
        }
    }

    public void Save(string path) => Ml.Model.Save(Model, Schema, path);

    /// <summary>One output column for every row, in order.</summary>
    public float[] Score<T>(IEnumerable<T> rows, string column)
        where T : class => [.. Model.Transform(Ml.Data.LoadFromEnumerable(rows)).GetColumn<float>(column)];

    /// <summary>Calibrated probabilities for every row, in order.</summary>
    public double[] Probabilities<T>(IEnumerable<T> rows)
        where T : class => [.. Score(rows, "Probability").Select(p => (double)p)];

    public PooledEngine<TIn, TOut> Engine<TIn, TOut>()
        where TIn : class
        where TOut : class, new() => new(Ml, Model);
}
