using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using StratX.Grains.Hosting;
using StratX.Server;
using StratX.Streaming.Kafka;
using StratX.Streaming.Kafka.Checkpoints;

namespace StratX.System.Tests;

/// <summary>
/// A real PostgreSQL (from <c>STRATX_PG</c>, which scripts/test.sh sets) and librdkafka's mock Kafka cluster
/// (3 brokers, in this process: silos die, the log does not). Each test cluster gets its own database and
/// topic, so runs never see each other's state.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public const string Race = "2024-china-race";
    public const int Partitions = 8;

    /// <summary>Every run replays into a session of this id (in its own database), so their outcomes compare as they are.</summary>
    public const string SessionId = "china";

    /// <summary>
    /// The cars whose car data the runs replay, as a team with two pairs of cars would have it (the field's timing
    /// is replayed whole): their laps carry telemetry summaries, which must come out equal too. Car 77 retires on
    /// lap 19. All 20 cars' data (717k samples) made each run through Kafka several times slower on a shared CI machine.
    /// </summary>
    public static readonly string[] TelemetryCars = ["1", "4", "16", "77"];

    private readonly Lazy<Task<RaceOutcome>> _baseline;
    private KafkaMockCluster? _kafka;
    private int _clusters;

    public SystemFixture() => _baseline = new Lazy<Task<RaceOutcome>>(RunBaselineAsync);

    public static string? PostgresConnection =>
        Environment.GetEnvironmentVariable("STRATX_PG") is { Length: > 0 } pg ? pg : Environment.GetEnvironmentVariable("STRATX_TEST_POSTGRES");

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public string KafkaBootstrap => _kafka!.BootstrapServers;

    public static void SkipWithoutPostgres() =>
        Assert.SkipWhen(string.IsNullOrEmpty(PostgresConnection), "STRATX_PG is not set: the system tests need a PostgreSQL (bash scripts/test.sh starts a throwaway one).");

    public ValueTask InitializeAsync()
    {
        if (!string.IsNullOrEmpty(PostgresConnection))
        {
            _kafka = KafkaMockCluster.Start(3);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _kafka?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh database (schema applied by the same code as <c>stratx db init</c>) and topic for a new cluster.</summary>
    public async Task<ClusterSettings> NewClusterAsync(string purpose)
    {
        var id = $"sys{Environment.ProcessId}-{Interlocked.Increment(ref _clusters)}-{purpose}";
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnection);
        var database = id.Replace('-', '_');
        await using (var admin = new NpgsqlConnection(builder.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        builder.Database = database;
        await ClusterDatabase.InitializeAsync(builder.ConnectionString, [("orleans_stream_checkpoints.sql", KafkaCheckpointSchema.Script)]);
        var topic = $"{id}-events";
        _kafka!.CreateTopic(topic, Partitions);
        return new ClusterSettings(id, builder.ConnectionString, KafkaBootstrap, topic, Partitions);
    }

    /// <summary>A topic on the mock Kafka cluster.</summary>
    public void CreateTopic(string name, int partitions) => _kafka!.CreateTopic(name, partitions);

    /// <summary>Starts nodes and waits until every one sees them all.</summary>
    public static async Task<List<SiloProcess>> StartNodesAsync(ClusterSettings cluster, int count, string prefix = "node", IReadOnlyDictionary<string, string>? settings = null)
    {
        var nodes = Enumerable.Range(1, count).Select(i => SiloProcess.Start($"{prefix}{i}", cluster, settings: settings)).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(n => n.WaitHealthyAsync(count, TimeSpan.FromSeconds(90))));
            return nodes;
        }
        catch
        {
            // Nodes that never became a cluster are stopped here: left running they kept a CI machine's cores busy
            // for the rest of the run.
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The clean run every failure run is compared with: one silo, same race, same settings.</summary>
    public Task<RaceOutcome> BaselineAsync() => _baseline.Value;

    private async Task<RaceOutcome> RunBaselineAsync()
    {
        var cluster = await NewClusterAsync("baseline");
        var nodes = await StartNodesAsync(cluster, 1);
        try
        {
            await StartReplayAsync(nodes[0], SessionId);
            await WaitFinishedAsync(nodes[0], SessionId, TimeSpan.FromMinutes(5));
            var outcome = await RaceOutcome.ReadAsync(nodes[0].Http, SessionId);
            // The chosen cars' laps carry what their car data says, the others' nothing: the comparison covers telemetry.
            Assert.Equal(TelemetryCars.Order(StringComparer.Ordinal), outcome.CarsWithTelemetry());
            return outcome;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    public static async Task StartReplayAsync(SiloProcess node, string sessionId)
    {
        var response = await node.Http.PostAsJsonAsync("/api/v1/sessions", new { race = Race, speed = "max", sessionId, telemetryCars = TelemetryCars }, Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /sessions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonNode> SessionAsync(SiloProcess node, string sessionId) =>
        JsonNode.Parse(await node.Http.GetStringAsync($"/api/v1/sessions/{sessionId}"))!;

    public static async Task<int> LeaderLapAsync(SiloProcess node, string sessionId) =>
        (int)(await SessionAsync(node, sessionId))["leaderLap"]!;

    public static async Task WaitFinishedAsync(SiloProcess node, string sessionId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string status = "unknown";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var session = await SessionAsync(node, sessionId);
                status = (string)session["status"]!;
                if (status is "finished")
                {
                    return;
                }

                Assert.False(status is "failed" or "stopped", $"The replay {status}: {session["ingestion"]?.ToJsonString()}");
            }
            catch (HttpRequestException)
            {
                // The node may be busy taking over; ask again.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"The replay of {sessionId} did not finish within {timeout} (status {status}).");
    }

    public static async Task WaitLeaderLapAsync(SiloProcess node, string sessionId, int lap, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await LeaderLapAsync(node, sessionId) >= lap)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The leader did not reach lap {lap} within {timeout}.");
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions();
        StratXServer.ConfigureJson(options);
        return options;
    }
}
