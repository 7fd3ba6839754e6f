using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace StratX.Grains.Hosting;

/// <summary>
/// Creates what cluster mode needs in PostgreSQL: Orleans' own ADO.NET scripts (vendored unchanged under
/// third_party/orleans-adonet-postgresql) and StratX's scripts after them. Idempotent: each script runs once,
/// in a transaction, recorded with its hash in <c>stratx_schema_scripts</c>; concurrent runs wait for each
/// other on an advisory lock. A recorded script whose text has since changed is reported, never re-run.
/// </summary>
public static class ClusterDatabase
{
    /// <summary>In the order they must run.</summary>
    public static readonly IReadOnlyList<string> OrleansScripts =
        ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Persistence.sql", "PostgreSQL-Reminders.sql"];

    private const long LockKey = 0x5354524154_58; // "STRATX"

    /// <summary>A script and what happened to it.</summary>
    public sealed record ScriptResult(string Name, ScriptOutcome Outcome);

    public enum ScriptOutcome
    {
        Applied,
        AlreadyApplied,

        /// <summary>Applied earlier from a different text: left as it is.</summary>
        ChangedSinceApplied,
    }

    /// <summary>
    /// StratX's tuning of Orleans' grain-state table, applied after Orleans' scripts (which stay unchanged).
    /// Grain states are rewritten whole and often: in cluster mode a car's state with every telemetry batch,
    /// the session's with every lap. PostgreSQL compresses such values with pglz by default, which on the
    /// reference machine cost ~6 ms of server CPU for a 400 KB state; lz4 (PostgreSQL 14 and later, when the
    /// server is built with it, as Debian's and Azure's are) does the same in a fraction of that. A server
    /// without lz4 keeps its default.
    /// </summary>
    public const string StorageTuningScript = """
        DO $$
        BEGIN
            IF current_setting('server_version_num')::int >= 140000 THEN
                BEGIN
                    ALTER TABLE orleansstorage ALTER COLUMN payloadbinary SET COMPRESSION lz4;
                EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
                    RAISE NOTICE 'lz4 compression is not available: grain states keep the server default';
                END;
            END IF;
        END $$;
        """;

    /// <summary>Every script StratX applies, in order: Orleans', StratX's tuning of them, then the extra ones given (e.g. the stream checkpoint table).</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts(IEnumerable<(string Name, string Sql)>? extra = null)
    {
        var scripts = OrleansScripts.Select(name => (name, ReadEmbedded(name))).ToList();
        scripts.Add(("stratx-storage-tuning.sql", StorageTuningScript));
        scripts.AddRange(extra ?? []);
        return scripts;
    }

    public static async Task<IReadOnlyList<ScriptResult>> InitializeAsync(
        string connectionString,
        IEnumerable<(string Name, string Sql)>? extraScripts = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS stratx_schema_scripts (
                name       text PRIMARY KEY,
                sha256     text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken);

        var results = new List<ScriptResult>();
        foreach (var (name, sql) in Scripts(extraScripts))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            await using (var check = new NpgsqlCommand("SELECT sha256 FROM stratx_schema_scripts WHERE name = @name", connection, transaction))
            {
                check.Parameters.AddWithValue("name", name);
                if (await check.ExecuteScalarAsync(cancellationToken) is string recorded)
                {
                    results.Add(new ScriptResult(name, recorded == hash ? ScriptOutcome.AlreadyApplied : ScriptOutcome.ChangedSinceApplied));
                    await transaction.CommitAsync(cancellationToken);
                    continue;
                }
            }

            try
            {
                await Execute(connection, transaction, sql, cancellationToken);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"{name} failed: {e.MessageText} (SQL state {e.SqlState}). Nothing of this script was applied.", e);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO stratx_schema_scripts (name, sha256) VALUES (@name, @sha)", connection, transaction))
            {
                record.Parameters.AddWithValue("name", name);
                record.Parameters.AddWithValue("sha", hash);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            results.Add(new ScriptResult(name, ScriptOutcome.Applied));
        }

        return results;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ReadEmbedded(string name)
    {
        var assembly = typeof(ClusterDatabase).Assembly;
        using var stream = assembly.GetManifestResourceStream($"StratX.Sql.{name}")
            ?? throw new InvalidOperationException($"The SQL script {name} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
