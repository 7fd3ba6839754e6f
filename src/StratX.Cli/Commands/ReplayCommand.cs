using System.CommandLine;
using System.Text.Json;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Grains;
using StratX.Grains.Ingestion;
using StratX.Grains.Security;
using StratX.Grains.Views;
using StratX.Ingestion.Replay;

namespace StratX.Cli.Commands;

/// <summary>
/// stratx replay: runs a recorded race through an in-process silo (the same grains, streams and ingestion as
/// the server) and prints the final classification.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file")
        {
            Description = "A FastF1 race_laps_YYYY.csv file or an OpenF1 race folder (with openf1_json/ and car_data/).",
            Required = true,
        };
        var round = new Option<int?>("--round") { Description = "The round to replay from a season CSV." };
        var speed = new Option<string>("--speed")
        {
            Description = "max (as fast as possible) or a factor: 1 is real time, 10 is ten times faster.",
            DefaultValueFactory = _ => "max",
        };
        var json = new Option<bool>("--json") { Description = "Print the classification as one JSON array on stdout (logs and progress go to stderr)." };
        var noTelemetry = new Option<bool>("--no-telemetry") { Description = "Leave the car telemetry out (OpenF1 folders)." };

        var command = new Command("replay", "Replay a recorded race and print its final classification.") { file, round, speed, json, noTelemetry };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(file)!,
            result.GetValue(round),
            result.GetValue(speed)!,
            result.GetValue(json),
            !result.GetValue(noTelemetry),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string path, int? round, string speedText, bool json, bool includeTelemetry, CancellationToken cancellationToken)
    {
        if (!TryLocate(path, round, out var recording, out var error) || !ReplaySpeed.TryParse(speedText, out var speed, out error))
        {
            await Console.Error.WriteLineAsync($"stratx replay: {error}");
            return 2;
        }

        await using var silo = await EmbeddedSilo.StartAsync(cancellationToken);
        var session = new SessionKey(TenantId.Demo, new SessionId("replay"));

        // The command is the only client of its own silo and replays into the demo tenant: it acts for that tenant.
        using var tenant = TenantContext.Enter(session.Tenant);
        var grain = silo.Grains.GetGrain<ISessionGrain>(session.ToString());
        await grain.StartReplay(new ReplayRequest
        {
            Session = session,
            Recording = recording,
            Speed = speed.IsMax ? null : speed.Factor,
            FromRaceStart = !speed.IsMax,
            IncludeTelemetry = includeTelemetry,
        });

        var progress = new ProgressLine(Console.Error);
        IngestionStatus? status;
        while ((status = await grain.GetIngestion()) is { IsFinished: false })
        {
            var summary = await grain.GetSummary();
            progress.Show(summary, status);
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        progress.Done();
        foreach (var rejection in status?.RecentRejections ?? [])
        {
            await Console.Error.WriteLineAsync($"rejected: {rejection}");
        }

        if (status is not { State: IngestionState.Completed })
        {
            await Console.Error.WriteLineAsync($"stratx replay: the replay {status?.State.ToString().ToLowerInvariant() ?? "did not start"}{(status?.Error is { } e ? $": {e}" : "")}");
            return 1;
        }

        var classification = await grain.GetClassification();
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(classification.Rows.Select(r => new ClassifiedCar(r.Position, r.DriverCode, int.TryParse(r.Car.Value, out var n) ? n : null, r.Laps, r.Status.ToString().ToLowerInvariant()))));
        }
        else
        {
            PrintTable(classification, await grain.GetSummary(), status);
        }

        return 0;
    }

    private static bool TryLocate(string path, int? round, out RecordingLocation location, out string error)
    {
        location = null!;
        error = "";
        var full = Path.GetFullPath(path);
        switch (RaceRecordings.FormatOf(full))
        {
            case RecordingFormat.OpenF1Folder:
                location = new RecordingLocation { Format = RecordingFormat.OpenF1Folder, Path = full };
                return true;
            case RecordingFormat.FastF1Laps when round is > 0:
                location = new RecordingLocation { Format = RecordingFormat.FastF1Laps, Path = full, Round = round };
                return true;
            case RecordingFormat.FastF1Laps:
                error = "a season CSV holds every round of the year: say which with --round N.";
                return false;
            default:
                error = $"'{path}' is neither a FastF1 lap CSV (race_laps_YYYY.csv) nor an OpenF1 race folder.";
                return false;
        }
    }

    private static void PrintTable(Classification classification, SessionSummary? summary, IngestionStatus status)
    {
        var console = Console.Out;
        console.WriteLine(summary?.Race?.Name ?? "Classification");
        console.WriteLine($"{"Pos",3}  {"No",3}  {"Driver",-6} {"Team",-24} {"Laps",4}  {"Gap",-10} {"Stops",5}  Status");
        foreach (var row in classification.Rows)
        {
            var gap = row.Position == 1 ? "" : row.GapToLeader?.Text ?? "";
            console.WriteLine($"{row.Position,3}  {row.Car.Value,3}  {row.DriverCode,-6} {Truncate(row.Team, 24),-24} {row.Laps,4}  {gap,-10} {row.Stops,5}  {row.Status}");
        }

        if (summary?.FastestLap is { } fastest)
        {
            console.WriteLine($"Fastest lap: {fastest.DriverCode} {TimeSpan.FromSeconds(fastest.LapTime):m\\:ss\\.fff} on lap {fastest.LapNumber}");
        }

        console.WriteLine($"{status.Published:N0} stream items published ({status.TelemetrySamples:N0} telemetry samples), {status.Rejected} input records rejected.");
    }

    private static string Truncate(string? text, int length) => text is null ? "" : text.Length <= length ? text : text[..length];

    private sealed record ClassifiedCar(
        [property: System.Text.Json.Serialization.JsonPropertyName("position")] int Position,
        [property: System.Text.Json.Serialization.JsonPropertyName("driver")] string Driver,
        [property: System.Text.Json.Serialization.JsonPropertyName("number")] int? Number,
        [property: System.Text.Json.Serialization.JsonPropertyName("laps")] int Laps,
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status);
}
