using StratX.Grains.Ingestion;
using StratX.Grains.Views;

namespace StratX.Cli;

/// <summary>One self-overwriting progress line on stderr (plain lines when stderr is not a terminal).</summary>
internal sealed class ProgressLine(TextWriter output)
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private string _last = "";

    public void Show(SessionSummary? summary, IngestionStatus status)
    {
        var laps = summary?.Race?.ScheduledLaps is { } total ? $"lap {summary.LeaderLap}/{total}" : $"lap {summary?.LeaderLap ?? 0}";
        var line = $"{status.State.ToString().ToLowerInvariant()}: {laps}, {status.Published:N0} items, {status.TelemetrySamples:N0} samples, {status.Rejected} rejected";
        if (line == _last)
        {
            return;
        }

        _last = line;
        if (_interactive)
        {
            output.Write($"\r{line,-100}");
        }
        else
        {
            output.WriteLine(line);
        }
    }

    public void Done()
    {
        if (_interactive && _last.Length > 0)
        {
            output.WriteLine();
        }
    }
}
