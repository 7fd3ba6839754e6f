using Confluent.Kafka;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>Writes keep their order and wait, rather than fail, when librdkafka's local queue is full.</summary>
public sealed class ProducerTests(TestKafka kafka) : IClassFixture<TestKafka>
{
    [Fact]
    public async Task Writes_issued_in_order_land_in_order_and_wait_when_the_local_queue_is_full()
    {
        const int Count = 2000;
        var topic = kafka.NewTopic("ordered");
        var options = new KafkaStreamOptions { BootstrapServers = kafka.BootstrapServers, Topic = topic };
        options.ProducerSettings["queue.buffering.max.messages"] = "16";
        var logs = new LogCapture();
        var logger = logs.CreateLogger("StratX.Streaming.Kafka.Tests");

        using (var producer = new KafkaEventProducer(KafkaClients.CreateProducer(options, "ordered", logger), topic, logger))
        {
            // Issued back to back without waiting: far more than the 16 the local queue holds.
            var writes = Enumerable.Range(0, Count)
                .Select(i => producer.ProduceAsync(2, new Message<byte[], byte[]> { Value = BitConverter.GetBytes(i) }))
                .ToList();
            await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }

        Assert.Contains(logs.Entries, e => e.Message.Contains("local queue is full", StringComparison.Ordinal));
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "ordered-check" }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 2, Offset.Beginning));
        var read = new List<int>();
        while (read.Count < Count && consumer.Consume(TimeSpan.FromSeconds(10)) is { } record)
        {
            read.Add(BitConverter.ToInt32(record.Message.Value));
        }

        Assert.Equal(Enumerable.Range(0, Count), read);
    }
}
