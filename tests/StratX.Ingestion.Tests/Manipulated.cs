using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using StratX.Tests;

namespace StratX.Ingestion.Tests;

/// <summary>
/// Copies of the real bundled files with one deliberate fault each, written to a temporary folder.
/// JSON arrays are written one object per line, so object k (from 0) is on line k + 2.
/// </summary>
internal sealed class Manipulated : IDisposable
{
    public Manipulated()
    {
        Folder = Directory.CreateTempSubdirectory("stratx-bad-input-").FullName;
        Directory.CreateDirectory(Path.Combine(Folder, "openf1_json"));
        Directory.CreateDirectory(Path.Combine(Folder, "car_data"));
        foreach (var name in new[] { "laps.json", "stints.json", "weather.json" })
        {
            WriteArray(name, LoadArray(name));
        }
    }

    public string Folder { get; }

    public static JsonArray LoadArray(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.BahrainOpenF1, "openf1_json", name)))!.AsArray();

    public string WriteArray(string name, JsonArray array)
    {
        var text = new StringBuilder("[\n");
        for (var i = 0; i < array.Count; i++)
        {
            text.Append(array[i]!.ToJsonString()).Append(i < array.Count - 1 ? ",\n" : "\n");
        }

        text.Append("]\n");
        var path = Path.Combine(Folder, "openf1_json", name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Copies a car's data file, letting <paramref name="edit"/> change its lines (line 1 is the header).</summary>
    public void CopyCarData(string fileName, Action<List<string>> edit)
    {
        using var input = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(RepoPaths.BahrainOpenF1, "car_data", fileName)), CompressionMode.Decompress));
        var lines = new List<string>();
        while (input.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        edit(lines);
        using var output = new StreamWriter(new GZipStream(File.Create(Path.Combine(Folder, "car_data", fileName)), CompressionLevel.Fastest));
        foreach (var line in lines)
        {
            output.Write(line);
            output.Write('\n');
        }
    }

    public static int IndexOf(JsonArray laps, int driver, int lap) =>
        laps.Select((node, index) => (node, index)).First(x => (int)x.node!["driver_number"]! == driver && (int)x.node!["lap_number"]! == lap).index;

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
