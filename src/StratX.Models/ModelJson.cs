using System.Text.Json;

namespace StratX.Models;

/// <summary>The JSON files a model version carries beside (or instead of) a model.zip: tables, curves, priors.</summary>
internal static class ModelJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Save<T>(string path, T value) => File.WriteAllText(path, JsonSerializer.Serialize(value, Json) + "\n");

    /// <param name="path">The file.</param>
    /// <param name="what">What it holds, for the messages ("pit-loss table").</param>
    /// <exception cref="InvalidDataException">The file is missing, empty or not <paramref name="what"/>.</exception>
    public static T Load<T>(string path, string what)
        where T : class
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"There is no {what} file at {path}.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid {what} file: {e.Message}", e);
        }
    }
}
