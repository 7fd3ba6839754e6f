using Microsoft.ML;

namespace StratX.Models;

/// <summary>Loading a saved ML.NET model with a clear error when the file is missing or unreadable.</summary>
internal static class MlModelFile
{
    /// <param name="path">The model file.</param>
    /// <param name="what">What the model is, for the message ("next-lap model").</param>
    public static (MLContext Ml, ITransformer Model, DataViewSchema Schema) Load(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"There is no {what} at {path}.");
        }

        var ml = new MLContext(1);
        try
        {
            var model = ml.Model.Load(path, out var schema);
            return (ml, model, schema);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not a readable {what}: {e.Message}", e);
        }
    }
}
