using Npgsql;
using Orleans.Streams;
using StratX.Streaming.Kafka.Checkpoints;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>The checkpoint table's script and its rows, on the test PostgreSQL, each test in a schema of its own.</summary>
public sealed class CheckpointStoreTests : IAsyncLifetime
{
    private readonly string _schema = $"kafka_test_{Guid.NewGuid():N}";
    private string _admin = "";
    private string _connectionString = "";

    public async ValueTask InitializeAsync()
    {
        _admin = TestPostgres.Require();
        await using var dataSource = NpgsqlDataSource.Create(_admin);
        await using var create = dataSource.CreateCommand($"CREATE SCHEMA {_schema}");
        await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        _connectionString = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin.Length > 0)
        {
            await using var dataSource = NpgsqlDataSource.Create(_admin);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_schema_script_is_embedded_and_applies_from_several_processes_at_once_any_number_of_times()
    {
        Assert.Contains("CREATE TABLE IF NOT EXISTS orleans_stream_checkpoints", KafkaCheckpointSchema.Script, StringComparison.Ordinal);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => KafkaCheckpointSchema.EnsureSchemaAsync(_connectionString, TestContext.Current.CancellationToken)));
        await KafkaCheckpointSchema.EnsureSchemaAsync(_connectionString, TestContext.Current.CancellationToken);

        await using var dataSource = NpgsqlDataSource.Create(_admin);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name = 'orleans_stream_checkpoints'");
        count.Parameters.AddWithValue("schema", _schema);
        Assert.Equal(1L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_write_on_a_stale_version_changes_nothing_and_returns_what_is_stored()
    {
        await KafkaCheckpointSchema.EnsureSchemaAsync(_connectionString, TestContext.Current.CancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        IStreamCheckpointStore store = new PostgresCheckpointStore(dataSource, "service-a", "kafka", "laps:3");
        IStreamCheckpointStore other = new PostgresCheckpointStore(dataSource, "service-b", "kafka", "laps:3");
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(new StreamCheckpointStoreState("", ""), await store.Load(ct));
        var first = await store.Update("41", "", ct);
        Assert.Equal("41", first.Checkpoint);
        var second = await store.Update("97", first.Version, ct);
        Assert.Equal("97", second.Checkpoint);

        // A reader that still holds the first version (it lost the queue) cannot move the checkpoint back.
        var stale = await store.Update("60", first.Version, ct);
        Assert.Equal(second, stale);
        Assert.Equal(second, await store.Load(ct));
        // Nor can a second first write.
        Assert.Equal(second, await store.Update("5", "", ct));

        // Another service's row is its own.
        Assert.Equal(new StreamCheckpointStoreState("", ""), await other.Load(ct));
    }

    [Fact]
    public async Task The_checkpointer_persists_at_most_once_per_interval_and_flushes_the_latest()
    {
        var options = new KafkaStreamOptions { CheckpointConnectionString = _connectionString, CheckpointInterval = TimeSpan.FromHours(1) };
        await using var factory = new PostgresStreamCheckpointerFactory("kafka", options, "service-c");
        var ct = TestContext.Current.CancellationToken;
        var checkpointer = await factory.Create("laps:0", ct);
        Assert.False(checkpointer.CheckpointExists);
        await checkpointer.Load(ct);

        checkpointer.Update("10", DateTime.UtcNow, ct); // written now
        checkpointer.Update("20", DateTime.UtcNow, ct); // held back by the interval
        checkpointer.Update("30", DateTime.UtcNow, ct);
        var reader = await factory.Create("laps:0", ct);
        await Eventually.WaitAsync(async () => await reader.Load(ct) == "10", TimeSpan.FromSeconds(5), () => "first write");

        await checkpointer.FlushAsync(ct);
        Assert.Equal("30", await reader.Load(ct));
        Assert.True(reader.CheckpointExists);
    }
}
