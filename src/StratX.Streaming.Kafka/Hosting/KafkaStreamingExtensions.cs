using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using StratX.Streaming.Kafka.Checkpoints;

namespace StratX.Streaming.Kafka;

/// <summary>Registers the Kafka persistent stream provider on silos and clients.</summary>
public static class KafkaStreamingExtensions
{
    /// <summary>
    /// Adds a persistent stream provider named <paramref name="name"/> over a Kafka topic, one queue per partition,
    /// with checkpoints in PostgreSQL (<see cref="KafkaStreamOptions.CheckpointConnectionString"/>).
    /// </summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder builder, string name, Action<OptionsBuilder<KafkaStreamOptions>> configureOptions) =>
        builder.AddKafkaStreams(name, configureOptions, configureStream: null);

    /// <summary>
    /// Adds a persistent stream provider named <paramref name="name"/> over a Kafka topic, one queue per partition,
    /// with checkpoints in PostgreSQL. <paramref name="configureStream"/> configures the rest like any persistent
    /// stream: <c>ConfigureStreamPubSub</c>, <c>ConfigurePullingAgent</c>, <c>ConfigurePartitionBalancing</c>, or a different
    /// checkpointer (<c>ConfigureComponent&lt;IStreamQueueCheckpointerFactory&gt;</c>, <c>UseGrainCheckpointer</c>), or a keyed
    /// <see cref="IStreamFailureHandler"/>.
    /// </summary>
    public static ISiloBuilder AddKafkaStreams(
        this ISiloBuilder builder,
        string name,
        Action<OptionsBuilder<KafkaStreamOptions>> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configureStream)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureOptions);
        return builder.AddPersistentStreams(name, KafkaQueueAdapterFactory.Create, configurator =>
        {
            configurator.ConfigureDelegate(services =>
            {
                configureOptions(services.AddOptions<KafkaStreamOptions>(name));
                services.AddTransient<IConfigurationValidator>(sp => new KafkaStreamOptionsValidator(OptionsOf(sp, name), name));
                services.AddTransient<IConfigurationValidator>(sp => new CheckpointerValidator(sp, name));
            });
            configurator.ConfigureComponent<IStreamQueueCheckpointerFactory>(PostgresStreamCheckpointerFactory.Create);
            configureStream?.Invoke(configurator);
        });
    }

    /// <summary>Adds the provider to a client, which writes to the topic (reading and checkpoints happen on silos).</summary>
    public static IClientBuilder AddKafkaStreams(
        this IClientBuilder builder,
        string name,
        Action<OptionsBuilder<KafkaStreamOptions>> configureOptions,
        Action<IClusterClientPersistentStreamConfigurator>? configureStream = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureOptions);
        return builder.AddPersistentStreams(name, KafkaQueueAdapterFactory.Create, configurator =>
        {
            configurator.ConfigureDelegate(services =>
            {
                configureOptions(services.AddOptions<KafkaStreamOptions>(name));
                services.AddTransient<IConfigurationValidator>(sp => new KafkaStreamOptionsValidator(OptionsOf(sp, name), name));
            });
            configureStream?.Invoke(configurator);
        });
    }

    private static KafkaStreamOptions OptionsOf(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name);

    /// <summary>Fails the silo's start when the provider's checkpointer cannot be built (for PostgreSQL: no connection string).</summary>
    private sealed class CheckpointerValidator(IServiceProvider services, string name) : IConfigurationValidator
    {
        public void ValidateConfiguration() => services.GetRequiredKeyedService<IStreamQueueCheckpointerFactory>(name);
    }
}
