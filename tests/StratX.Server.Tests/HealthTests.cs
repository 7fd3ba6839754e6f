using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StratX.Grains;
using StratX.Server.Health;
using StratX.Streaming.Kafka;

namespace StratX.Server.Tests;

/// <summary>/health/live, /health/ready and /health on the real server; the Kafka check against the mock cluster.</summary>
public class HealthTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public async Task Live_asks_nothing_and_ready_reports_the_silo_and_the_models_in_use()
    {
        var live = await server.Http.GetAsync("/health/live", TestContext.Current.CancellationToken);
        var ready = await server.Http.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var liveBody = await live.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", liveBody.GetProperty("status").GetString());
        Assert.Empty(liveBody.GetProperty("checks").EnumerateObject());

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("checks");
        Assert.Equal(["models", "silo"], checks.EnumerateObject().Select(c => c.Name).Order());
        Assert.Equal("1 active silo(s)", checks.GetProperty("silo").GetProperty("description").GetString());
        Assert.Equal("Healthy", checks.GetProperty("models").GetProperty("status").GetString());
        Assert.Contains("pit-next-lap v", checks.GetProperty("models").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_without_models_is_ready_but_degraded_and_says_which_tasks_run_on_rules()
    {
        var empty = Directory.CreateTempSubdirectory("stratx-no-models-");
        await using var bare = await RunningServer.LaunchAsync("--StratX:Models:Path", empty.FullName);
        try
        {
            var ready = await bare.Http.GetAsync("/health/ready", TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var body = await ready.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            Assert.Equal("Degraded", body.GetProperty("status").GetString());
            var models = body.GetProperty("checks").GetProperty("models");
            Assert.Equal("Degraded", models.GetProperty("status").GetString());
            Assert.Contains("pit-next-lap runs on its rule", models.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_kafka_check_names_the_topic_and_its_partitions_and_fails_with_the_reason_when_no_broker_answers()
    {
        using var kafka = KafkaMockCluster.Start(3);
        kafka.CreateTopic("health-events", 8);
        using var up = Check(kafka.BootstrapServers, "health-events");
        using var down = Check("127.0.0.1:1", "health-events");

        var healthy = await up.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        var unhealthy = await down.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal("3 broker(s); topic health-events with 8 partition(s)", healthy.Description);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.StartsWith("Kafka does not answer", unhealthy.Description, StringComparison.Ordinal);
    }

    private static KafkaHealthCheck Check(string bootstrap, string topic)
    {
        var options = new KafkaStreamOptions { BootstrapServers = bootstrap, Topic = topic };
        return new KafkaHealthCheck(new FixedOptions(options), NullLogger<KafkaHealthCheck>.Instance);
    }

    private sealed class FixedOptions(KafkaStreamOptions options) : IOptionsMonitor<KafkaStreamOptions>
    {
        public KafkaStreamOptions CurrentValue => options;

        public KafkaStreamOptions Get(string? name) => name == OrleansNames.EventStreams ? options : throw new ArgumentException($"no options named {name}");

        public IDisposable? OnChange(Action<KafkaStreamOptions, string?> listener) => null;
    }
}
