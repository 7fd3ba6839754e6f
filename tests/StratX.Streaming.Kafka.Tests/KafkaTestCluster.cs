using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Streams;
using Orleans.TestingHost;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>
/// An in-process Orleans cluster (two silos by default and a client) using the Kafka stream provider against a
/// librdkafka mock cluster, with checkpoints in the test PostgreSQL. Failure detection is tuned to seconds so a
/// killed silo's queues move quickly.
/// </summary>
public sealed class KafkaTestCluster : IAsyncDisposable
{
    public const string Provider = "kafka";
    public const string Namespace = "kafka-test";

    private KafkaTestCluster(InProcessTestCluster cluster, LogCapture logs)
    {
        Cluster = cluster;
        Logs = logs;
    }

    public InProcessTestCluster Cluster { get; }

    public LogCapture Logs { get; }

    public IClusterClient Client => Cluster.Client;

    public static async Task<KafkaTestCluster> StartAsync(string bootstrapServers, string topic, string serviceId, string checkpointConnectionString, int silos = 2, Action<KafkaStreamOptions>? tune = null)
    {
        var logs = new LogCapture();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<ILoggerProvider>(logs));
        builder.ConfigureClientHost(host => host.Services.AddSingleton<ILoggerProvider>(logs));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.EnableIndirectProbes = false;
            });
            silo.AddKafkaStreams(
                Provider,
                ob => ob.Configure(o =>
                {
                    Configure(o, bootstrapServers, topic, checkpointConnectionString);
                    tune?.Invoke(o);
                }),
                stream => stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
        });
        builder.ConfigureClient(client => client.AddKafkaStreams(
            Provider,
            ob => ob.Configure(o => Configure(o, bootstrapServers, topic, checkpointConnectionString: null)),
            stream => stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly)));
        var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        return new KafkaTestCluster(cluster, logs);
    }

    /// <summary>A stream of the test namespace, written from the cluster's client.</summary>
    public IAsyncStream<TestEvent> Stream(string key) =>
        Client.GetStreamProvider(Provider).GetStream<TestEvent>(StreamId.Create(Namespace, key));

    /// <summary>Writes events <paramref name="from"/>..<paramref name="to"/>-1 to a stream, each awaited (so each is acknowledged before the next).</summary>
    public async Task ProduceAsync(string key, int from, int to, TimeSpan? pause = null)
    {
        var stream = Stream(key);
        for (var seq = from; seq < to; seq++)
        {
            await stream.OnNextAsync(new TestEvent(key, seq));
            if (pause is { } wait)
            {
                await Task.Delay(wait, TestContext.Current.CancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    private static void Configure(KafkaStreamOptions options, string bootstrapServers, string topic, string? checkpointConnectionString)
    {
        options.BootstrapServers = bootstrapServers;
        options.Topic = topic;
        options.Partitions = TestKafka.Partitions;
        options.CheckpointConnectionString = checkpointConnectionString;
        options.CheckpointInterval = TimeSpan.FromMilliseconds(500);
        options.ProducerSettings["linger.ms"] = "1";
    }
}

/// <summary>A librdkafka mock cluster for a test class, with helpers to make topics and look at them.</summary>
public sealed class TestKafka : IDisposable
{
    public const int Partitions = 8;

    private readonly KafkaMockCluster _cluster = KafkaMockCluster.Start(1);

    public string BootstrapServers => _cluster.BootstrapServers;

    /// <summary>A new topic with <see cref="Partitions"/> partitions, named for the test.</summary>
    public string NewTopic(string name)
    {
        var topic = $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 60)];
        _cluster.CreateTopic(topic, Partitions);
        return topic;
    }

    /// <summary>The offset of the last record of each non-empty partition.</summary>
    public Dictionary<int, long> LastOffsets(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "test-watermarks" }).Build();
        var last = new Dictionary<int, long>();
        for (var partition = 0; partition < Partitions; partition++)
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10));
            if (marks.High.Value > 0)
            {
                last[partition] = marks.High.Value - 1;
            }
        }

        return last;
    }

    public void Dispose() => _cluster.Dispose();
}

/// <summary>Waiting helpers.</summary>
public static class Eventually
{
    /// <summary>Polls until <paramref name="done"/> holds, or fails with <paramref name="describe"/>'s account after <paramref name="timeout"/>.</summary>
    public static Task WaitAsync(Func<bool> done, TimeSpan timeout, Func<string> describe) =>
        WaitAsync(() => Task.FromResult(done()), timeout, describe);

    /// <summary>Polls until <paramref name="done"/> holds, or fails with <paramref name="describe"/>'s account after <paramref name="timeout"/>.</summary>
    public static async Task WaitAsync(Func<Task<bool>> done, TimeSpan timeout, Func<string> describe)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Not done after {timeout}: {describe()}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
