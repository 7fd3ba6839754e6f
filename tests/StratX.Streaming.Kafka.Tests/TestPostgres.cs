using Npgsql;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>The PostgreSQL the checkpoint tests use: <c>STRATX_PG</c>, else <c>STRATX_TEST_POSTGRES</c>; the tests skip without one.</summary>
internal static class TestPostgres
{
    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable("STRATX_PG") is { Length: > 0 } pg ? pg
        : Environment.GetEnvironmentVariable("STRATX_TEST_POSTGRES") is { Length: > 0 } test ? test
        : null;

    /// <summary>The connection string, or skips the test saying how to provide one.</summary>
    public static string Require()
    {
        var connectionString = ConnectionString;
        Assert.SkipWhen(
            connectionString is null,
            "No PostgreSQL for the checkpoint store: set STRATX_PG (or STRATX_TEST_POSTGRES) to an Npgsql connection string, "
            + "e.g. Host=127.0.0.1;Port=55433;Username=postgres;Database=postgres.");
        return connectionString!;
    }

    /// <summary>The checkpoint rows of a service: partition name → last offset.</summary>
    public static async Task<Dictionary<string, long>> CheckpointsAsync(string connectionString, string serviceId, string provider)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT partition, last_offset FROM orleans_stream_checkpoints WHERE service_id = @service AND provider = @provider");
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("provider", provider);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }
}
