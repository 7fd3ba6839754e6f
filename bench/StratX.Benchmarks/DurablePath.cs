using Npgsql;
using StratX.Grains.Hosting;
using StratX.Streaming.Kafka;
using StratX.Streaming.Kafka.Checkpoints;

namespace StratX.Benchmarks;

/// <summary>
/// What the pipeline benchmark needs to run the server in cluster mode: a fresh PostgreSQL database with the
/// cluster's tables (as <c>stratx db init</c> creates them) and librdkafka's mock Kafka cluster (3 brokers, in
/// this process) with the race-event topic.
/// </summary>
internal sealed class DurablePath : IDisposable
{
    private readonly KafkaMockCluster _kafka;

    private DurablePath(KafkaMockCluster kafka, string[] settings)
    {
        _kafka = kafka;
        Settings = settings;
    }

    /// <summary>Server settings that make the embedded benchmark server a one-silo cluster on these.</summary>
    public string[] Settings { get; }

    public static async Task<DurablePath> CreateAsync(string postgres)
    {
        var database = $"stratx_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using (var admin = new NpgsqlConnection(postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
        await ClusterDatabase.InitializeAsync(connection, [("orleans_stream_checkpoints.sql", KafkaCheckpointSchema.Script)]);
        var kafka = KafkaMockCluster.Start(3);
        const string topic = "stratx.race-events";
        kafka.CreateTopic(topic, 8);
        return new DurablePath(kafka,
        [
            "--StratX:Mode", "Cluster",
            "--ConnectionStrings:StratX", connection,
            "--Kafka:BootstrapServers", kafka.BootstrapServers,
            "--Kafka:Topic", topic,
            "--Orleans:ClusterId", database,
            "--Orleans:ServiceId", database,
            "--Orleans:AdvertisedIP", "127.0.0.1",
            "--StratX:Auth:Jwt:SigningKeys:0", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ]);
    }

    public void Dispose() => _kafka.Dispose();
}
