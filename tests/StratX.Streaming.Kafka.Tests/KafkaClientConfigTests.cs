using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>The options map onto the librdkafka settings Event Hubs' Kafka endpoint and plain Kafka expect.</summary>
public sealed class KafkaClientConfigTests
{
    private const string ConnectionString =
        "Endpoint=sb://stratx-race.servicebus.windows.net/;SharedAccessKeyName=streams;SharedAccessKey=c2VjcmV0LWtleQ==;EntityPath=race-events";

    [Fact]
    public void An_Event_Hubs_connection_string_becomes_SASL_SSL_PLAIN_with_the_connection_string_as_password()
    {
        var options = new KafkaStreamOptions().UseEventHubsConnectionString(ConnectionString);

        var producer = KafkaClientConfigs.ForProducer(options, "race");
        Assert.Equal("stratx-race.servicebus.windows.net:9093", producer.BootstrapServers);
        Assert.Equal("sasl_ssl", producer.Get("security.protocol"));
        Assert.Equal("PLAIN", producer.Get("sasl.mechanism"));
        Assert.Equal("$ConnectionString", producer.Get("sasl.username"));
        Assert.Equal(ConnectionString, producer.Get("sasl.password"));
        Assert.Equal(SecurityProtocol.SaslSsl, producer.SecurityProtocol);
        Assert.Equal(SaslMechanism.Plain, producer.SaslMechanism);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.True(producer.EnableIdempotence);
        Assert.Equal("race-events", options.Topic);

        var consumer = KafkaClientConfigs.ForConsumer(options, "race", 3);
        Assert.Equal("sasl_ssl", consumer.Get("security.protocol"));
        Assert.Equal("$ConnectionString", consumer.Get("sasl.username"));
        Assert.Equal(ConnectionString, consumer.Get("sasl.password"));
        Assert.Equal("orleans-streams-race", consumer.GroupId);
        Assert.Equal("orleans-race-p3", consumer.ClientId);
        Assert.False(consumer.EnableAutoCommit);
        Assert.False(consumer.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
        Assert.Empty(KafkaStreamOptionsValidator.Problems(options));
    }

    [Fact]
    public void Entra_ID_becomes_SASL_SSL_OAUTHBEARER_without_a_password_and_needs_a_token_provider()
    {
        var options = new KafkaStreamOptions { Topic = "race-events" }
            .UseEventHubsEntraId("https://stratx-race.servicebus.windows.net/", _ => Task.FromResult(("token", DateTimeOffset.UtcNow.AddHours(1))));

        var producer = KafkaClientConfigs.ForProducer(options, "race");
        Assert.Equal("stratx-race.servicebus.windows.net:9093", producer.BootstrapServers);
        Assert.Equal("sasl_ssl", producer.Get("security.protocol"));
        Assert.Equal("OAUTHBEARER", producer.Get("sasl.mechanism"));
        Assert.Equal(SecurityProtocol.SaslSsl, producer.SecurityProtocol);
        Assert.Equal(SaslMechanism.OAuthBearer, producer.SaslMechanism);
        Assert.Null(producer.SaslUsername);
        Assert.Null(producer.SaslPassword);
        Assert.Empty(KafkaStreamOptionsValidator.Problems(options));

        options.OAuthBearerTokenProvider = null;
        Assert.Contains(KafkaStreamOptionsValidator.Problems(options), p => p.Contains("OAuthBearerTokenProvider", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_OAUTHBEARER_token_provider_is_asked_by_librdkafka_and_its_token_handed_over()
    {
        var asked = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new KafkaStreamOptions
        {
            BootstrapServers = "127.0.0.1:9", // nothing listens: the token is fetched when the client starts, before any connection
            Topic = "race-events",
            SecurityProtocol = "SASL_PLAINTEXT",
            SaslMechanism = "OAUTHBEARER",
            OAuthBearerTokenProvider = _ =>
            {
                var expires = DateTimeOffset.UtcNow.AddMinutes(30);
                asked.TrySetResult(expires);
                return Task.FromResult(("eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdHJhdHgifQ.", expires));
            },
        };

        var logs = new LogCapture(minimum: LogLevel.Debug);
        using var producer = KafkaClients.CreateProducer(options, "race", logs.CreateLogger("StratX.Streaming.Kafka.Tests"));

        var expiresAt = await asked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Eventually.WaitAsync(
            () => logs.Entries.Any(e => e.Message.Contains("got an OAUTHBEARER token", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5),
            () => string.Join(" | ", logs.Entries.Select(e => e.Message)));
        Assert.Equal(expiresAt, (DateTimeOffset)logs.Entries.First(e => e.Message.Contains("got an OAUTHBEARER token", StringComparison.Ordinal)).Values["ExpiresAt"]!);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("could not get an OAUTHBEARER token", StringComparison.Ordinal));
    }

    [Fact]
    public void Extra_librdkafka_settings_pass_through_but_the_delivery_guarantee_settings_are_the_providers()
    {
        var options = new KafkaStreamOptions { BootstrapServers = "broker-1:9092,broker-2:9092", Topic = "laps", ClientId = "pit-wall", ConsumerGroup = "strategy" };
        options.ProducerSettings["linger.ms"] = "7";
        options.ConsumerSettings["fetch.wait.max.ms"] = "50";
        options.KafkaSettings["socket.keepalive.enable"] = "true";
        options.KafkaSettings["ssl.ca.location"] = "/etc/ssl/certs/ca-certificates.crt";

        var producer = KafkaClientConfigs.ForProducer(options, "race");
        Assert.Equal("broker-1:9092,broker-2:9092", producer.BootstrapServers);
        Assert.Equal("7", producer.Get("linger.ms"));
        Assert.Equal("true", producer.Get("socket.keepalive.enable"));
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", producer.Get("ssl.ca.location"));
        Assert.Equal("pit-wall-producer", producer.ClientId);
        Assert.Null(producer.Get("security.protocol"));
        var consumer = KafkaClientConfigs.ForConsumer(options, "race", 0);
        Assert.Equal("strategy", consumer.GroupId);
        Assert.Equal("pit-wall-p0", consumer.ClientId);
        Assert.Equal("50", consumer.Get("fetch.wait.max.ms"));
        Assert.Equal("true", consumer.Get("socket.keepalive.enable"));
        Assert.Null(consumer.Get("linger.ms"));
        Assert.Null(producer.Get("fetch.wait.max.ms"));

        options.ProducerSettings["acks"] = "1";
        Assert.Throws<ArgumentException>(() => KafkaClientConfigs.ForProducer(options, "race"));
        Assert.Contains(KafkaStreamOptionsValidator.Problems(options), p => p.Contains("'acks'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Streams:BootstrapServers"] = "stratx-race.servicebus.windows.net:9093",
                ["Streams:Topic"] = "race-events",
                ["Streams:Partitions"] = "32",
                ["Streams:SecurityProtocol"] = "SASL_SSL",
                ["Streams:SaslMechanism"] = "PLAIN",
                ["Streams:SaslUsername"] = "$ConnectionString",
                ["Streams:SaslPassword"] = ConnectionString,
                ["Streams:KafkaSettings:socket.keepalive.enable"] = "true",
                ["Streams:MaxBatchMessages"] = "500",
                ["Streams:CacheSize"] = "10000",
                ["Streams:CheckpointConnectionString"] = "Host=db;Username=stratx",
                ["Streams:CheckpointInterval"] = "00:00:05",
            })
            .Build();
        var options = new KafkaStreamOptions();
        Assert.Equal(8, options.Partitions);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CheckpointInterval);

        configuration.GetSection("Streams").Bind(options);

        Assert.Equal(32, options.Partitions);
        Assert.Equal(500, options.MaxBatchMessages);
        Assert.Equal(10_000, options.CacheSize);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CheckpointInterval);
        Assert.Equal("Host=db;Username=stratx", options.CheckpointConnectionString);
        var producer = KafkaClientConfigs.ForProducer(options, "race");
        Assert.Equal("sasl_ssl", producer.Get("security.protocol"));
        Assert.Equal("$ConnectionString", producer.Get("sasl.username"));
        Assert.Equal(ConnectionString, producer.Get("sasl.password"));
        Assert.Equal("true", producer.Get("socket.keepalive.enable"));
        Assert.Empty(KafkaStreamOptionsValidator.Problems(options));
    }
}
