using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// The Kafka persistent stream provider's factory: one queue per topic partition, a cache with backpressure per
/// queue, and checkpoints through the provider's keyed <see cref="IStreamQueueCheckpointerFactory"/> (PostgreSQL by default).
/// </summary>
public sealed partial class KafkaQueueAdapterFactory : IQueueAdapterFactory, IDisposable
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private readonly string _name;
    private readonly KafkaStreamOptions _options;
    private readonly IServiceProvider _services;
    private readonly Serializer _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly KafkaQueueAdapterCache _cache;
    private readonly Lock _gate = new();
    private KafkaQueueAdapter? _adapter;
    private Task? _topicCheck;
    private IStreamQueueCheckpointerFactory? _checkpointerFactory;

    public KafkaQueueAdapterFactory(string name, KafkaStreamOptions options, IServiceProvider services, Serializer serializer, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        new KafkaStreamOptionsValidator(options, name).ValidateConfiguration();
        _name = name;
        _options = options;
        _services = services;
        _serializer = serializer;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger($"{typeof(KafkaQueueAdapterFactory).FullName}.{name}");
        _mapper = KafkaQueues.CreateMapper(name, options.Partitions);
        _cache = new KafkaQueueAdapterCache(options.CacheSize, name, loggerFactory);
    }

    /// <summary>The factory Orleans calls for the provider named <paramref name="name"/> (see <c>AddKafkaStreams</c>).</summary>
    public static KafkaQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name);
        return ActivatorUtilities.CreateInstance<KafkaQueueAdapterFactory>(services, name, options);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    /// <summary>The provider's adapter (created once, with its producer); checks the topic has enough partitions when the brokers answer.</summary>
    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        KafkaQueueAdapter adapter;
        Task check;
        lock (_gate)
        {
            _adapter ??= new KafkaQueueAdapter(_name, _options, _mapper, new KafkaRecordCodec(_serializer), CreateCheckpointerAsync, _loggerFactory);
            adapter = _adapter;
            check = _topicCheck ??= Task.Run(CheckTopic, CancellationToken.None);
        }

        await check.WaitAsync(cancellationToken).ConfigureAwait(false);
        return adapter;
    }

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <summary>The provider's keyed <see cref="IStreamFailureHandler"/> if one is registered, else one that logs and goes on.</summary>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult(_services.GetKeyedService<IStreamFailureHandler>(_name)
            ?? new LoggingStreamFailureHandler(_loggerFactory.CreateLogger($"{typeof(LoggingStreamFailureHandler).FullName}.{_name}")));

    public void Dispose()
    {
        lock (_gate)
        {
            _adapter?.Dispose();
            _adapter = null;
        }
    }

    private Task<IStreamQueueCheckpointer<string>> CreateCheckpointerAsync(string partition, CancellationToken cancellationToken)
    {
        // Resolved on first use: clients only write and need no checkpoint store.
        var factory = _checkpointerFactory ??= _services.GetRequiredKeyedService<IStreamQueueCheckpointerFactory>(_name);
        return factory.Create(partition, cancellationToken);
    }

    private void CheckTopic()
    {
        int found;
        try
        {
            using var admin = KafkaClients.CreateAdminClient(_options, _name, _logger);
            var metadata = admin.GetMetadata(_options.Topic, MetadataTimeout);
            var topic = metadata.Topics.FirstOrDefault(t => t.Topic == _options.Topic);
            if (topic is null || topic.Error.IsError)
            {
                LogTopicUnchecked(_options.Topic, topic?.Error.Reason ?? "not in the metadata");
                return;
            }

            found = topic.Partitions.Count;
        }
        catch (KafkaException ex)
        {
            LogTopicUnchecked(_options.Topic, ex.Error.Reason);
            return;
        }

        if (found < _options.Partitions)
        {
            throw new InvalidOperationException($"Kafka stream provider '{_name}' needs {_options.Partitions} partitions of topic '{_options.Topic}' but it has {found}: create it with at least {_options.Partitions}, or lower Partitions.");
        }

        LogTopicChecked(_options.Topic, found, _options.Partitions);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the partitions of topic {Topic} ({Reason}); going on.")]
    private partial void LogTopicUnchecked(string topic, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic} has {Found} partitions; the provider uses {Used}.")]
    private partial void LogTopicChecked(string topic, int found, int used);
}
