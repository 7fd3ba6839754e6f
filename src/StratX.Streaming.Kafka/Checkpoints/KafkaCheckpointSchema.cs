using Npgsql;

namespace StratX.Streaming.Kafka.Checkpoints;

/// <summary>
/// The PostgreSQL table of the provider's checkpoints: its script (also embedded as
/// <c>StratX.Streaming.Kafka.orleans_stream_checkpoints.sql</c>, for a database-initialisation command) and an
/// idempotent way to apply it.
/// </summary>
public static class KafkaCheckpointSchema
{
    /// <summary>The checkpoint table's name.</summary>
    public const string TableName = "orleans_stream_checkpoints";

    /// <summary>The embedded resource holding <see cref="Script"/>.</summary>
    public const string ResourceName = "StratX.Streaming.Kafka.orleans_stream_checkpoints.sql";

    // Any constant: serialises concurrent schema creation by several silos (CREATE TABLE IF NOT EXISTS alone can race).
    private const long SchemaLock = 0x5354_5258_4B43_5054;

    private static readonly Lazy<string> LazyScript = new(ReadScript);

    /// <summary>The idempotent script creating the checkpoint table.</summary>
    public static string Script => LazyScript.Value;

    /// <summary>Creates the checkpoint table if it does not exist; safe to call from several silos at once.</summary>
    public static async Task EnsureSchemaAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await EnsureSchemaAsync(dataSource, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the checkpoint table if it does not exist; safe to call from several silos at once.</summary>
    public static async Task EnsureSchemaAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand(Script, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string ReadScript()
    {
        using var stream = typeof(KafkaCheckpointSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
