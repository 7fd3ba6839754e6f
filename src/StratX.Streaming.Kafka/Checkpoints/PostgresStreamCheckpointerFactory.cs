using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Streams;

namespace StratX.Streaming.Kafka.Checkpoints;

/// <summary>
/// Creates the partition checkpointers of a Kafka stream provider on PostgreSQL: Orleans' <see cref="StreamQueueCheckpointer"/>
/// (numeric, never backwards, written at most every <see cref="KafkaStreamOptions.CheckpointInterval"/> and on shutdown)
/// over a <see cref="PostgresCheckpointStore"/> row keyed by the cluster's ServiceId, the provider and the partition.
/// </summary>
public sealed class PostgresStreamCheckpointerFactory : IStreamQueueCheckpointerFactory, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly string _provider;
    private readonly StreamQueueCheckpointerOptions _checkpointerOptions;
    private readonly bool _ensureSchema;
    private readonly Lock _gate = new();
    private Task? _schema;

    public PostgresStreamCheckpointerFactory(string provider, KafkaStreamOptions options, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.CheckpointConnectionString))
        {
            throw new OptionsValidationException(provider, typeof(KafkaStreamOptions), [
                $"Kafka stream provider '{provider}': CheckpointConnectionString is required for the PostgreSQL checkpointer (or configure another IStreamQueueCheckpointerFactory for the provider)."]);
        }

        _dataSource = NpgsqlDataSource.Create(options.CheckpointConnectionString);
        _serviceId = serviceId;
        _provider = provider;
        _ensureSchema = options.EnsureCheckpointSchema;
        _checkpointerOptions = new StreamQueueCheckpointerOptions
        {
            PersistInterval = options.CheckpointInterval,
            CheckpointComparer = StreamCheckpointComparers.Numeric,
        };
    }

    /// <summary>The factory registered by <c>AddKafkaStreams</c> for the provider named <paramref name="name"/>.</summary>
    public static PostgresStreamCheckpointerFactory Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name);
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        return new PostgresStreamCheckpointerFactory(name, options, serviceId);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IStreamQueueCheckpointer<string>> Create(string partition) => Create(partition, CancellationToken.None);

    /// <summary>The checkpointer of one partition (<c>TOPIC:PARTITION</c>), after creating the table if needed.</summary>
    public async Task<IStreamQueueCheckpointer<string>> Create(string partition, CancellationToken cancellationToken)
    {
        if (_ensureSchema)
        {
            await EnsureSchemaOnceAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var store = new PostgresCheckpointStore(_dataSource, _serviceId, _provider, partition);
        return new StreamQueueCheckpointer(store, _checkpointerOptions);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private Task EnsureSchemaOnceAsync()
    {
        lock (_gate)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                _schema = KafkaCheckpointSchema.EnsureSchemaAsync(_dataSource);
            }

            return _schema;
        }
    }
}
