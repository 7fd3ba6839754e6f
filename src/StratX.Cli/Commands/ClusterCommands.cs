using System.CommandLine;
using StratX.Grains.Hosting;
using StratX.Streaming.Kafka;
using StratX.Streaming.Kafka.Checkpoints;

namespace StratX.Cli.Commands;

/// <summary>Commands for cluster mode: <c>stratx db init</c> and <c>stratx dev kafka</c>.</summary>
internal static class ClusterCommands
{
    /// <summary>stratx db init --connection CS: creates the cluster's tables; safe to run again.</summary>
    public static Command Database()
    {
        var connection = new Option<string?>("--connection")
        {
            Description = "PostgreSQL connection string (default: ConnectionStrings__StratX from the environment).",
        };
        var init = new Command("init", "Create the tables cluster mode needs (Orleans membership, grain state, reminders; stream checkpoints). Idempotent.") { connection };
        init.SetAction((result, cancellationToken) => Init(result.GetValue(connection), cancellationToken));
        return new Command("db", "The cluster's PostgreSQL database.") { init };
    }

    /// <summary>stratx dev kafka [--brokers N]: a local mock Kafka cluster, until stopped.</summary>
    public static Command Dev()
    {
        var brokers = new Option<int>("--brokers") { Description = "Brokers in the mock cluster.", DefaultValueFactory = _ => 3 };
        var topics = new Option<string[]>("--topic")
        {
            Description = "Create a topic first, as NAME:PARTITIONS (repeatable). Topics are otherwise created on first use.",
            AllowMultipleArgumentsPerToken = true,
        };
        var kafka = new Command("kafka", "Run librdkafka's built-in mock Kafka cluster on loopback for local work and tests. Prints 'bootstrap: HOST:PORT,...' first; runs until stopped (Ctrl+C).") { brokers, topics };
        kafka.SetAction((result, cancellationToken) => RunKafka(result.GetValue(brokers), result.GetValue(topics) ?? [], cancellationToken));
        return new Command("dev", "Local development helpers.") { kafka };
    }

    private static async Task<int> Init(string? connection, CancellationToken cancellationToken)
    {
        connection ??= Environment.GetEnvironmentVariable("ConnectionStrings__StratX");
        if (string.IsNullOrWhiteSpace(connection))
        {
            await Console.Error.WriteLineAsync("stratx db init: give --connection \"Host=...;Database=...;Username=...\" (or set ConnectionStrings__StratX).");
            return 2;
        }

        try
        {
            var results = await ClusterDatabase.InitializeAsync(connection, [("orleans_stream_checkpoints.sql", KafkaCheckpointSchema.Script)], cancellationToken);
            foreach (var result in results)
            {
                Console.WriteLine($"{result.Name}: {Describe(result.Outcome)}");
            }

            return results.Any(r => r.Outcome == ClusterDatabase.ScriptOutcome.ChangedSinceApplied) ? 1 : 0;
        }
        catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"stratx db init: {e.Message}");
            return 1;
        }
    }

    private static string Describe(ClusterDatabase.ScriptOutcome outcome) => outcome switch
    {
        ClusterDatabase.ScriptOutcome.Applied => "applied",
        ClusterDatabase.ScriptOutcome.AlreadyApplied => "already applied",
        _ => "applied earlier from a different text: left unchanged (check the upgrade notes)",
    };

    private static async Task<int> RunKafka(int brokers, string[] topics, CancellationToken cancellationToken)
    {
        if (brokers is < 1 or > 16)
        {
            await Console.Error.WriteLineAsync("stratx dev kafka: --brokers takes 1 to 16.");
            return 2;
        }

        var parsed = new List<(string Name, int Partitions)>();
        foreach (var topic in topics)
        {
            var parts = topic.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], out var partitions) || partitions < 1)
            {
                await Console.Error.WriteLineAsync($"stratx dev kafka: --topic takes NAME:PARTITIONS (got '{topic}').");
                return 2;
            }

            parsed.Add((parts[0], partitions));
        }

        using var cluster = KafkaMockCluster.Start(brokers);
        foreach (var (name, partitions) in parsed)
        {
            cluster.CreateTopic(name, partitions);
        }

        Console.WriteLine($"bootstrap: {cluster.BootstrapServers}");
        await Console.Error.WriteLineAsync($"A mock Kafka cluster of {brokers} broker(s) runs on loopback until stopped (Ctrl+C). Not for production: nothing is kept on disk.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}
