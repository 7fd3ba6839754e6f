using StratX.Server;

var app = StratXServer.Build(args);
await app.RunAsync();

/// <summary>The entry point, visible to tests that start the server in-process.</summary>
public partial class Program;
