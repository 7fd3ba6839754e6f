using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StratX.Models;

/// <summary>A data file a model was trained on, with its content hash.</summary>
public sealed record TrainingFile(string Name, string Sha256, long Bytes)
{
    public static TrainingFile Of(string path)
    {
        using var stream = File.OpenRead(path);
        return new TrainingFile(Path.GetFileName(path), Convert.ToHexStringLower(SHA256.HashData(stream)), new FileInfo(path).Length);
    }
}

/// <summary>What a model file is: task, version, what it was trained on, its features and its metrics.</summary>
public sealed record ModelMetadata
{
    public required string Task { get; init; }

    public required int Version { get; init; }

    public required string Trainer { get; init; }

    public required DateTimeOffset TrainedAt { get; init; }

    public required IReadOnlyList<TrainingFile> TrainedOn { get; init; }

    public required IReadOnlyList<int> Seasons { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Metrics measured when the model was trained, e.g. "validation.mae".</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
}

/// <summary>
/// Versioned model files: models/&lt;task&gt;/v&lt;N&gt;/model.zip with metadata.json beside it. A new training run
/// writes the next version; nothing is overwritten.
/// </summary>
public static class ModelFiles
{
    public const string ModelFile = "model.zip";
    public const string MetadataFile = "metadata.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The next free version folder for a task.</summary>
    public static (int Version, string Folder) NextVersion(string root, string task)
    {
        var taskFolder = Path.Combine(root, task);
        var latest = Directory.Exists(taskFolder)
            ? Directory.GetDirectories(taskFolder).Select(d => Path.GetFileName(d)).Select(n => n.StartsWith('v') && int.TryParse(n.AsSpan(1), out var v) ? v : 0).DefaultIfEmpty(0).Max()
            : 0;
        return (latest + 1, Path.Combine(taskFolder, $"v{latest + 1}"));
    }

    /// <summary>The newest version folder of a task that has both files, if any.</summary>
    public static string? Latest(string root, string task, string modelFile = ModelFile)
    {
        var taskFolder = Path.Combine(root, task);
        if (!Directory.Exists(taskFolder))
        {
            return null;
        }

        return Directory.GetDirectories(taskFolder)
            .Where(d => File.Exists(Path.Combine(d, modelFile)) && File.Exists(Path.Combine(d, MetadataFile)))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d).AsSpan(1), out var v) ? v : 0)
            .FirstOrDefault();
    }

    public static void WriteMetadata(string folder, ModelMetadata metadata) =>
        File.WriteAllText(Path.Combine(folder, MetadataFile), JsonSerializer.Serialize(metadata, Json) + "\n");

    public static ModelMetadata ReadMetadata(string folder)
    {
        var path = Path.Combine(folder, MetadataFile);
        try
        {
            return JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid model metadata: {e.Message}", e);
        }
    }
}
