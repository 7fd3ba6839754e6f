using System.Globalization;
using Npgsql;
using Orleans.Streams;

namespace StratX.Streaming.Kafka.Checkpoints;

/// <summary>
/// One partition's checkpoint row in <see cref="KafkaCheckpointSchema.TableName"/>, read and written with optimistic
/// concurrency: a write succeeds only on the version it read, so a reader that lost its queue cannot move the
/// checkpoint of the reader that took it over backwards (Orleans' <see cref="StreamQueueCheckpointer"/> resolves the conflict).
/// </summary>
public sealed class PostgresCheckpointStore : IStreamCheckpointStore
{
    private const string Select =
        "SELECT last_offset, version FROM orleans_stream_checkpoints WHERE service_id = @service AND provider = @provider AND partition = @partition";

    private const string Insert =
        "INSERT INTO orleans_stream_checkpoints (service_id, provider, partition, last_offset, version, updated_at) " +
        "VALUES (@service, @provider, @partition, @offset, 1, now()) ON CONFLICT DO NOTHING RETURNING last_offset, version";

    private const string Update =
        "UPDATE orleans_stream_checkpoints SET last_offset = @offset, version = version + 1, updated_at = now() " +
        "WHERE service_id = @service AND provider = @provider AND partition = @partition AND version = @version RETURNING last_offset, version";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly string _provider;
    private readonly string _partition;

    public PostgresCheckpointStore(NpgsqlDataSource dataSource, string serviceId, string provider, string partition)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _serviceId = serviceId;
        _provider = provider;
        _partition = partition;
    }

    /// <summary>The stored offset and version, or two empty strings when the partition has no checkpoint.</summary>
    public async ValueTask<StreamCheckpointStoreState> Load(CancellationToken cancellationToken)
    {
        await using var command = Command(Select);
        return await ReadStateAsync(command, cancellationToken).ConfigureAwait(false) ?? new StreamCheckpointStoreState("", "");
    }

    /// <summary>Writes the offset if the row is still at <paramref name="expectedVersion"/>; else returns what is stored.</summary>
    async ValueTask<StreamCheckpointStoreState> IStreamCheckpointStore.Update(string checkpoint, string expectedVersion, CancellationToken cancellationToken)
    {
        var offset = long.Parse(checkpoint, NumberStyles.Integer, CultureInfo.InvariantCulture);
        await using var command = Command(expectedVersion.Length == 0 ? Insert : Update);
        command.Parameters.AddWithValue("offset", offset);
        if (expectedVersion.Length > 0)
        {
            command.Parameters.AddWithValue("version", long.Parse(expectedVersion, NumberStyles.Integer, CultureInfo.InvariantCulture));
        }

        return await ReadStateAsync(command, cancellationToken).ConfigureAwait(false)
            ?? await Load(cancellationToken).ConfigureAwait(false);
    }

    private NpgsqlCommand Command(string sql)
    {
        var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.AddWithValue("provider", _provider);
        command.Parameters.AddWithValue("partition", _partition);
        return command;
    }

    private static async Task<StreamCheckpointStoreState?> ReadStateAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StreamCheckpointStoreState(
            reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
            reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
    }
}
