using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using StratX.Streaming.Kafka;

namespace StratX.Grains.Hosting;

/// <summary>Race events in cluster mode: the durable Kafka stream provider, configured from the <c>Kafka</c> section.</summary>
internal static class DurableEventStreams
{
    public const string Section = "Kafka";

    /// <summary>Topic when <c>Kafka:Topic</c> is not set.</summary>
    public const string DefaultTopic = "stratx.race-events";

    public static void AddStratXDurableEventStreams(this ISiloBuilder silo, IConfiguration configuration, string connectionString, StreamTuningOptions streams)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"{Section}:BootstrapServers"]))
        {
            throw new InvalidOperationException(
                "Cluster mode needs Kafka: set Kafka:BootstrapServers (environment: Kafka__BootstrapServers); 'stratx dev kafka' runs a local mock cluster.");
        }

        silo.AddKafkaStreams(
            OrleansNames.EventStreams,
            options => options
                .Configure(o =>
                {
                    o.Topic = DefaultTopic;
                    o.CheckpointConnectionString = connectionString;
                })
                .Bind(configuration.GetSection(Section)),
            stream =>
            {
                stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                stream.ConfigurePullingAgent(o => o.Configure(agent =>
                {
                    agent.GetQueueMsgsTimerPeriod = streams.PollInterval;
                    agent.BatchContainerBatchSize = streams.DeliveryBatchSize;
                }));
            });
    }
}
