using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Tests;

namespace StratX.Grains.Tests;

/// <summary>Real OpenF1 car data and laps, as the team telemetry messages of the tests carry them.</summary>
public static class RealTelemetry
{
    /// <summary>The 2024 Chinese Grand Prix recording.</summary>
    public static string ChinaFolder => Path.Combine(RepoPaths.Data, "openf1", "2024-china-race");

    /// <summary>One car_data row, with its time as the file writes it.</summary>
    public sealed record Row(string Time, DateTimeOffset At, int Speed, int Rpm, int Gear, int Throttle, int Brake, int Drs)
    {
        public TelemetrySample Sample => new(At.UtcTicks, (short)Speed, Rpm, (byte)Gear, (byte)Throttle, (byte)Brake, (byte)Drs);
    }

    public sealed record Lap(int Number, DateTimeOffset Start, DateTimeOffset End);

    /// <summary>A car's rows of the 2024 Chinese Grand Prix.</summary>
    public static IReadOnlyList<Row> Car(int number) =>
        Rows(Path.Combine(ChinaFolder, "car_data", $"driver_{number:00}.csv.gz"));

    public static IReadOnlyList<Row> Rows(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        reader.ReadLine();
        var rows = new List<Row>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            rows.Add(new Row(f[0], DateTimeOffset.Parse(f[0], CultureInfo.InvariantCulture), Int(f[4]), Int(f[5]), Int(f[6]), Int(f[7]), Int(f[8]), Int(f[9])));
        }

        return rows;

        static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Laps of a car from laps.json: start, and start plus duration, as the replay makes them.</summary>
    public static IReadOnlyList<Lap> Laps(int car, params int[] numbers)
    {
        using var laps = JsonDocument.Parse(File.ReadAllText(Path.Combine(ChinaFolder, "openf1_json", "laps.json")));
        return [.. numbers.Select(n =>
        {
            var lap = laps.RootElement.EnumerateArray().Single(l => l.GetProperty("driver_number").GetInt32() == car && l.GetProperty("lap_number").GetInt32() == n);
            var start = DateTimeOffset.Parse(lap.GetProperty("date_start").GetString()!, CultureInfo.InvariantCulture);
            return new Lap(n, start, start.AddSeconds(lap.GetProperty("lap_duration").GetDouble()));
        })];
    }

    /// <summary>The same JSON, indented.</summary>
    public static byte[] Indented(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.SerializeToUtf8Bytes(document.RootElement, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The message of docs/TELEMETRY.md; <paramref name="seq"/> null leaves the field out; <paramref name="edit"/> rewrites a sample's JSON.</summary>
    public static byte[] Json(CarKey car, long? seq, IEnumerable<Row> rows, Func<int, string, string>? edit = null)
    {
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"tenant\":\"{car.Session.Tenant}\",\"session\":\"{car.Session.Session}\",\"car\":\"{car.Car}\",");
        if (seq is { } number)
        {
            json.Append(CultureInfo.InvariantCulture, $"\"seq\":{number},");
        }

        json.Append("\"samples\":[");
        var i = 0;
        foreach (var r in rows)
        {
            var sample = string.Create(CultureInfo.InvariantCulture, $"{{\"t\":\"{r.Time}\",\"speed\":{r.Speed},\"rpm\":{r.Rpm},\"gear\":{r.Gear},\"throttle\":{r.Throttle},\"brake\":{r.Brake},\"drs\":{r.Drs}}}");
            json.Append(i == 0 ? "" : ",").Append(edit is null ? sample : edit(i, sample));
            i++;
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}
