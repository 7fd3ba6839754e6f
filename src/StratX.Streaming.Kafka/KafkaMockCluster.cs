using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace StratX.Streaming.Kafka;

/// <summary>
/// librdkafka's built-in mock Kafka cluster: real brokers speaking the Kafka protocol on loopback, in this
/// process, with no Kafka install. For local work (<c>stratx dev kafka</c>) and tests; never for production.
/// </summary>
public sealed partial class KafkaMockCluster : IDisposable
{
    private const string Library = "librdkafka";
    private IntPtr _client;
    private IntPtr _cluster;

    static KafkaMockCluster() => NativeLibrary.SetDllImportResolver(typeof(KafkaMockCluster).Assembly, Resolve);

    private KafkaMockCluster(IntPtr client, IntPtr cluster, string bootstrapServers)
    {
        _client = client;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The brokers' addresses, <c>HOST:PORT,...</c>, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a mock cluster of <paramref name="brokers"/> brokers.</summary>
    public static KafkaMockCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var conf = rd_kafka_conf_new();
        var error = new byte[512];
        // The mock cluster needs a client handle to own its threads; it never connects anywhere.
        if (rd_kafka_conf_set(conf, "log_level", "3", error, (nuint)error.Length) != 0)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka refused a setting: {Text(error)}");
        }

        var client = rd_kafka_new(0 /* producer */, conf, error, (nuint)error.Length);
        if (client == IntPtr.Zero)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka could not create a client for the mock cluster: {Text(error)}");
        }

        var cluster = rd_kafka_mock_cluster_new(client, brokers);
        if (cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(client);
            throw new InvalidOperationException("librdkafka could not start a mock cluster.");
        }

        var bootstraps = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster)) ?? "";
        return new KafkaMockCluster(client, cluster, bootstraps);
    }

    /// <summary>Creates a topic with the given number of partitions (the mock cluster would otherwise create it on first use with its default).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
        var code = rd_kafka_mock_topic_create(_cluster, topic, partitions, replicationFactor);
        if (code != 0)
        {
            throw new InvalidOperationException($"The mock cluster refused topic '{topic}' ({partitions} partitions): error {code}.");
        }
    }

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = IntPtr.Zero;
        }

        if (_client != IntPtr.Zero)
        {
            rd_kafka_destroy(_client);
            _client = IntPtr.Zero;
        }
    }

    private static string Text(byte[] buffer) => Encoding.UTF8.GetString(buffer, 0, Math.Max(0, Array.IndexOf(buffer, (byte)0)));

    /// <summary>
    /// Loads the same librdkafka build Confluent.Kafka ships: its default Linux build needs libsasl2.so.3,
    /// which Debian does not have, so the CentOS 8 build beside it is the fallback (as Confluent.Kafka does).
    /// </summary>
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in Candidates())
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException("librdkafka was not found beside the application (runtimes/<rid>/native) nor on the library path.");
    }

    private static IEnumerable<string> Candidates()
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var folders = new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"), AppContext.BaseDirectory };
        if (OperatingSystem.IsWindows())
        {
            foreach (var folder in new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", "win-x64", "native"), AppContext.BaseDirectory })
            {
                yield return Path.Combine(folder, "librdkafka.dll");
            }

            yield break;
        }

        if (OperatingSystem.IsMacOS())
        {
            yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "osx-" + (RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "arm64" : "x64"), "native", "librdkafka.dylib");
            yield return "librdkafka.dylib";
            yield break;
        }

        foreach (var folder in folders)
        {
            yield return Path.Combine(folder, "librdkafka.so");
            yield return Path.Combine(folder, "centos8-librdkafka.so");
            yield return Path.Combine(folder, "alpine-librdkafka.so");
        }

        yield return "librdkafka.so.1";
    }

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Library)]
    private static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] error, nuint errorSize);

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] error, nuint errorSize);

    [LibraryImport(Library)]
    private static partial void rd_kafka_destroy(IntPtr client);

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_mock_cluster_new(IntPtr client, int brokers);

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);
}
