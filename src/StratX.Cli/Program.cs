using System.CommandLine;
using StratX.Cli.Commands;

var root = new RootCommand("StratX: real-time race strategy. Replays recorded races through the same pipeline the server runs.");
root.Subcommands.Add(ReplayCommand.Create());
return await root.Parse(args).InvokeAsync();
