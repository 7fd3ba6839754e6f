using System.CommandLine;
using StratX.Cli.Commands;

var root = new RootCommand("StratX: real-time race strategy. Replays recorded races through the same pipeline the server runs.");
root.Subcommands.Add(ReplayCommand.Create());
root.Subcommands.Add(BacktestCommand.Create());
root.Subcommands.Add(ModelCommands.Train());
root.Subcommands.Add(ModelCommands.Evaluate());
root.Subcommands.Add(AnomalyCommand.Create());
root.Subcommands.Add(ClusterCommands.Database());
root.Subcommands.Add(ClusterCommands.Dev());
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Usage errors exit with 2 (as the commands' own argument checks do), said on stderr only.
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"stratx: {error.Message}");
    }

    await Console.Error.WriteLineAsync("Run 'stratx --help' or 'stratx replay --help' for usage.");
    return 2;
}

return await parsed.InvokeAsync();
