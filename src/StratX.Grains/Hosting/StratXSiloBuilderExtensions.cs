using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using StratX.Grains.Ingestion;
using StratX.Grains.Observability;
using StratX.Grains.Planning;
using StratX.Grains.Rollout;
using StratX.Grains.Security;
using StratX.Models.Scoring;

namespace StratX.Grains.Hosting;

public static class StratXSiloBuilderExtensions
{
    /// <summary>
    /// Everything a StratX silo needs: storage, streams and reminders for the mode (<see cref="ClusterHosting.Mode"/>:
    /// in memory when embedded; PostgreSQL and Kafka in a cluster), the ingestion grain service and its client,
    /// model loading, the simulation scheduler of strategy planners, and the tenant call filter.
    /// </summary>
    public static ISiloBuilder AddStratX(this ISiloBuilder silo, IConfiguration? configuration = null)
    {
        var streams = new StreamTuningOptions();
        configuration?.GetSection(StreamTuningOptions.Section).Bind(streams);
        var mode = configuration is null ? StratXMode.Embedded : ClusterHosting.Mode(configuration);
        if (mode == StratXMode.Cluster)
        {
            AddClusterProviders(silo, configuration!, streams);
        }
        else
        {
            AddEmbeddedProviders(silo, streams);
        }

        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        AddUpdateStreams(silo, streams);

        silo.AddGrainService<IngestionGrainService>();
        silo.Services.AddSingleton<IIngestionServiceClient, IngestionServiceClient>();
        var ingestion = silo.Services.AddOptions<IngestionOptions>();
        if (mode == StratXMode.Cluster)
        {
            ingestion.Configure(o =>
            {
                o.TelemetryBatchesPerWrite = 1;
                o.PipelinedWrites = true;

                // A durable hop (write acknowledged by the brokers, read back by the partition's agent) takes
                // longer than a memory-stream hop, so more items are kept in flight to hold the throughput.
                o.MaxInFlight = 32;

                // Every telemetry item costs a durable write of its car's state: fewer, larger items. A replay
                // flushes a car's samples before each of its timing events and within TelemetryFlushInterval,
                // so at race pace an item still holds a fraction of a second and at full speed about one lap.
                o.MaxBatchSamples = 1024;
            });
        }

        if (configuration is not null)
        {
            ingestion.Bind(configuration.GetSection(IngestionOptions.Section));
        }

        var updates = silo.Services.AddOptions<UpdateOptions>();
        if (configuration is not null)
        {
            updates.Bind(configuration.GetSection(UpdateOptions.Section));
        }

        var strategy = silo.Services.AddOptions<StrategyOptions>();
        if (configuration is not null)
        {
            strategy.Bind(configuration.GetSection(StrategyOptions.Section));
        }

        var models = silo.Services.AddOptions<ModelOptions>();
        if (configuration is not null)
        {
            models.Bind(configuration.GetSection(ModelOptions.Section));
        }

        silo.Services.TryAddSingleton(sp => ModelOptions.CreateRegistry(sp.GetRequiredService<IOptions<ModelOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ModelRegistry>>()));
        silo.Services.TryAddSingleton<LivePredictor>();
        silo.Services.AddHostedService<ModelLoading>();
        silo.Services.AddSingleton<ModelRolloutFollower>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<ModelRolloutFollower>());
        silo.Services.TryAddSingleton<SimulationScheduler>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<StratXMetrics>();

        // Every silo, embedded or in a cluster, admits a call to a tenant's grain only for that tenant.
        silo.AddIncomingGrainCallFilter<TenantCallFilter>();
        return silo;
    }

    private static void AddEmbeddedProviders(ISiloBuilder silo, StreamTuningOptions streams)
    {
        silo.AddMemoryGrainStorage(OrleansNames.RaceStateStorage);
        silo.AddMemoryGrainStorage(OrleansNames.PubSubStorage);

        // Memory storage copies state through a serializer on every write; Orleans' default for it is JSON
        // (Newtonsoft, with reference tracking), which measured at over half of all grain CPU in a full-speed
        // replay. The states carry Orleans serializers, so in memory they are copied with those.
        foreach (var name in (string[])[OrleansNames.RaceStateStorage, OrleansNames.PubSubStorage])
        {
            silo.Services.AddOptions<MemoryGrainStorageOptions>(name)
                .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        }

        silo.UseInMemoryReminderService();
        silo.AddMemoryStreams(OrleansNames.EventStreams, b =>
        {
            b.ConfigurePartitioning(streams.Queues);
            b.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            b.ConfigurePullingAgent(o => o.Configure(agent => Tune(agent, streams)));
        });
    }

    /// <summary>
    /// Grain state, stream subscriptions and reminders in PostgreSQL (Orleans' ADO.NET providers, binary
    /// Orleans serialization of the states); race events on the durable Kafka stream provider.
    /// </summary>
    private static void AddClusterProviders(ISiloBuilder silo, IConfiguration configuration, StreamTuningOptions streams)
    {
        var connectionString = ClusterHosting.ConnectionString(configuration);
        foreach (var name in (string[])[OrleansNames.RaceStateStorage, OrleansNames.PubSubStorage])
        {
            silo.AddAdoNetGrainStorage(name, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(name)
                .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        }

        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        silo.AddStratXDurableEventStreams(configuration, connectionString, streams);
    }

    /// <summary>
    /// Updates to watchers: memory streams with explicit pub-sub in both modes. They are not durable on
    /// purpose: a watcher that misses one gets the whole current state when it (re)joins.
    /// </summary>
    private static void AddUpdateStreams(ISiloBuilder silo, StreamTuningOptions streams) =>
        silo.AddMemoryStreams(OrleansNames.UpdateStreams, b =>
        {
            b.ConfigurePartitioning(streams.Queues);
            b.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedOnly);
            b.ConfigurePullingAgent(o => o.Configure(agent => Tune(agent, streams)));
        });

    private static void Tune(StreamPullingAgentOptions agent, StreamTuningOptions streams)
    {
        agent.GetQueueMsgsTimerPeriod = streams.PollInterval;
        agent.BatchContainerBatchSize = streams.DeliveryBatchSize;
    }
}

/// <summary>Memory-stream settings that decide latency and throughput.</summary>
public sealed class StreamTuningOptions
{
    public const string Section = "StratX:Streams";

    /// <summary>
    /// How often an idle queue is polled. Orleans' default of 100 ms would add up to 100 ms per stream hop;
    /// an update crosses two (source → grain → watchers).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Items handed to a consumer per delivery.</summary>
    public int DeliveryBatchSize { get; set; } = 100;

    /// <summary>Queues per provider (eight is Orleans' default; one queue is slower).</summary>
    public int Queues { get; set; } = 8;
}
