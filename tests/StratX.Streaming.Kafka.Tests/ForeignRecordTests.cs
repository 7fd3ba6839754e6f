using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>Records the provider did not write are logged and skipped; the stream goes on around them.</summary>
public sealed class ForeignRecordTests(TestKafka kafka) : IClassFixture<TestKafka>
{
    [Fact]
    public async Task A_raw_record_written_straight_to_the_topic_is_skipped_with_a_log_and_the_events_around_it_arrive()
    {
        var postgres = TestPostgres.Require();
        var topic = kafka.NewTopic("foreign");
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, topic, $"foreign-{Guid.NewGuid():N}", postgres);
        var streams = Enumerable.Range(0, 4).Select(i => $"{topic}/car-{i}").ToList();

        await Task.WhenAll(streams.Select(key => cluster.ProduceAsync(key, 0, 10)));

        // Between the two halves, on every partition: a plain record, and one that claims the provider's format but is garbage.
        var raw = new List<(int Partition, long Offset)>();
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            for (var partition = 0; partition < TestKafka.Partitions; partition++)
            {
                var plain = await producer.ProduceAsync(
                    new TopicPartition(topic, partition),
                    new Message<string, byte[]> { Key = "not-orleans", Value = Encoding.UTF8.GetBytes("{\"lap\": 12}") },
                    TestContext.Current.CancellationToken);
                var forged = await producer.ProduceAsync(
                    new TopicPartition(topic, partition),
                    new Message<string, byte[]> { Key = "forged", Value = [0xFF, 0x00, 0x13, 0x37], Headers = new Headers { { "orleans-batch", [1] } } },
                    TestContext.Current.CancellationToken);
                raw.Add((partition, plain.Offset.Value));
                raw.Add((partition, forged.Offset.Value));
            }
        }

        await Task.WhenAll(streams.Select(key => cluster.ProduceAsync(key, 10, 20)));

        await Eventually.WaitAsync(() => streams.All(s => Deliveries.Of(s).Count >= 20), TimeSpan.FromSeconds(20), () => "delivery around the raw records");
        foreach (var key in streams)
        {
            Assert.Equal(Enumerable.Range(0, 20), Deliveries.Of(key).Select(d => d.Seq));
        }

        await Eventually.WaitAsync(() => Skipped(cluster, topic).Count == raw.Count, TimeSpan.FromSeconds(10), () => $"{Skipped(cluster, topic).Count} skip logs");
        Assert.Equal(raw.Order(), Skipped(cluster, topic).Order());
        Assert.All(cluster.Logs.Entries.Where(e => e.Message.StartsWith("Skipped the record", StringComparison.Ordinal)), e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    private static List<(int Partition, long Offset)> Skipped(KafkaTestCluster cluster, string topic) =>
        [.. cluster.Logs.Entries
            .Where(e => e.Message.StartsWith("Skipped the record", StringComparison.Ordinal) && Equals(e.Values.GetValueOrDefault("Topic"), topic))
            .Select(e => ((int)e.Values["Partition"]!, (long)e.Values["Offset"]!))];
}
