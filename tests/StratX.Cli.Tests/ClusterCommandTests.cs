using System.Diagnostics;
using Confluent.Kafka;
using Npgsql;

namespace StratX.Cli.Tests;

/// <summary>stratx db init against a real PostgreSQL (STRATX_PG, which scripts/test.sh sets) and stratx dev kafka.</summary>
public sealed class ClusterCommandTests
{
    private static string? Postgres =>
        Environment.GetEnvironmentVariable("STRATX_PG") is { Length: > 0 } pg ? pg : Environment.GetEnvironmentVariable("STRATX_TEST_POSTGRES");

    [Fact]
    public async Task Db_init_creates_the_cluster_tables_once_and_reports_every_script_applied_then_already_applied()
    {
        Assert.SkipWhen(Postgres is null, "STRATX_PG is not set: this test needs a PostgreSQL (bash scripts/test.sh starts a throwaway one).");
        var connection = await CreateDatabase();

        var first = await Stratx.RunAsync("db", "init", "--connection", connection);
        var second = await Stratx.RunAsync("db", "init", "--connection", connection);

        Assert.True(first.ExitCode == 0, first.Stderr);
        var scripts = new[] { "PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Persistence.sql", "PostgreSQL-Reminders.sql", "stratx-storage-tuning.sql", "orleans_stream_checkpoints.sql" };
        Assert.Equal(scripts.Select(s => $"{s}: applied"), Lines(first.Stdout));
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(scripts.Select(s => $"{s}: already applied"), Lines(second.Stdout));

        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var table in new[] { "orleansmembershiptable", "orleansstorage", "orleansremindersTable", "orleans_stream_checkpoints" })
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass(@t) IS NOT NULL", db);
            exists.Parameters.AddWithValue("t", table.ToLowerInvariant());
            Assert.True((bool)(await exists.ExecuteScalarAsync(TestContext.Current.CancellationToken))!, $"{table} was not created");
        }

        // Grain states are compressed with lz4 rather than pglz (Debian's PostgreSQL is built with it).
        await using var compression = new NpgsqlCommand(
            "SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'orleansstorage'::regclass AND attname = 'payloadbinary'", db);
        Assert.Equal("l", await compression.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Db_init_without_a_connection_or_with_an_unreachable_server_says_why()
    {
        var missing = await Stratx.RunAsync("db", "init");
        var unreachable = await Stratx.RunAsync("db", "init", "--connection", "Host=127.0.0.1;Port=1;Username=nobody;Timeout=3");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("give --connection", missing.Stderr);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith("stratx db init: ", unreachable.Stderr);
    }

    [Fact]
    public async Task Dev_kafka_prints_its_bootstrap_first_and_serves_the_kafka_protocol_until_stopped()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "stratx.dll"));
        foreach (var arg in new[] { "dev", "kafka", "--brokers", "3", "--topic", "laps:4" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.NotNull(first);
            Assert.StartsWith("bootstrap: ", first);
            var brokers = first["bootstrap: ".Length..].Split(',');
            Assert.Equal(3, brokers.Length);
            Assert.All(brokers, b => Assert.Matches(@"^[\w.\-]+:\d+$", b));

            var bootstrap = string.Join(',', brokers);
            using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
            {
                await producer.ProduceAsync("laps", new Message<string, string> { Key = "VER", Value = "lap 1" }, TestContext.Current.CancellationToken);
            }

            using var metadata = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
            Assert.Equal(4, metadata.GetMetadata("laps", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);

            using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = "cli-test",
                AutoOffsetReset = AutoOffsetReset.Earliest,
            }).Build();
            consumer.Subscribe("laps");
            ConsumeResult<string, string>? read = null;
            for (var i = 0; i < 30 && read?.Message is null; i++)
            {
                read = consumer.Consume(TimeSpan.FromSeconds(1));
            }

            Assert.Equal("lap 1", read?.Message?.Value);
            Assert.False(process.HasExited, "the mock cluster must run until stopped");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<string> CreateDatabase()
    {
        var name = $"stratx_cli_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(Postgres))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }
}
