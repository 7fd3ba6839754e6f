using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using StratX.Tests;

namespace StratX.System.Tests;

/// <summary>
/// One StratX node (silo + REST API + hub) in cluster mode, as its own process of the server's build
/// output, so that a test can kill it with SIGKILL. Its output goes to a log file in the test output.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private SiloProcess(Process process, StreamWriter log, string logPath, int httpPort, int siloPort, string name)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        HttpPort = httpPort;
        SiloPort = siloPort;
        Name = name;
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new global::System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DemoAdminToken.Value);
    }

    /// <summary>The key every node of these tests signs and validates team tokens with (StratX:Auth:Jwt:SigningKeys:0).</summary>
    public static string SigningKey { get; } = Convert.ToBase64String(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The operator key of every node of these tests.</summary>
    public static string OperatorKey { get; } = Convert.ToHexString(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>A token of the demo tenant's admin, signed with <see cref="SigningKey"/>: what <see cref="Http"/> and the watchers send.</summary>
    public static string Token => DemoAdminToken.Value;

    private static readonly Lazy<string> DemoAdminToken = new(() =>
        new StratX.Server.Security.TokenIssuer(new StratX.Server.Security.JwtOptions(), StratX.Server.Security.SigningKeys.From(new StratX.Server.Security.JwtOptions { SigningKeys = [SigningKey] }, embedded: false), TimeProvider.System)
            .Issue(StratX.Domain.Identity.TenantId.Demo, StratX.Grains.Tenancy.TenantRole.Admin, "system-tests", null, TimeSpan.FromHours(3)).Token);

    public string Name { get; }

    /// <summary>The file the node's standard output and error go to.</summary>
    public string LogPath { get; }

    /// <summary>The node's log so far (it is still writing).</summary>
    public string[] LogLines()
    {
        lock (_log)
        {
            _log.Flush();
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Where the server's build output is: the same configuration as this test's.</summary>
    public static string ServerDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var path = Path.Combine(RepoPaths.Root, "src", "StratX.Server", "bin", configuration, "net10.0", "StratX.Server.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The server is not built at {path}.");
        }
    }

    public static SiloProcess Start(string name, ClusterSettings cluster, int? siloPort = null, int? httpPort = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var http = httpPort ?? FreePorts.Next();
        var silo = siloPort ?? FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerDll)!,
        };
        start.ArgumentList.Add(ServerDll);
        var environment = new Dictionary<string, string>
        {
            ["StratX__Mode"] = "Cluster",
            ["ConnectionStrings__StratX"] = cluster.ConnectionString,
            ["Kafka__BootstrapServers"] = cluster.KafkaBootstrap,
            ["Kafka__Topic"] = cluster.Topic,
            ["Kafka__Partitions"] = cluster.Partitions.ToString(CultureInfo.InvariantCulture),
            ["Orleans__ClusterId"] = cluster.ClusterId,
            ["Orleans__ServiceId"] = cluster.ClusterId,
            ["Orleans__SiloPort"] = silo.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{http}",
            ["StratX__DataDir"] = RepoPaths.Data,
            ["StratX__Models__Path"] = Path.Combine(RepoPaths.Root, "models"),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__StratX"] = "Information",
            ["DOTNET_gcServer"] = "0",
            ["StratX__Auth__Jwt__SigningKeys__0"] = SigningKey,
            ["StratX__Auth__OperatorKey"] = OperatorKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var logPath = Path.Combine(LogFolder, $"{cluster.ClusterId}-{name}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process, log, logPath, http, silo, name);
    }

    public static string LogFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "silo-logs")).FullName;

    /// <summary>Waits until the node answers /health with the given number of active silos.</summary>
    public async Task WaitHealthyAsync(int silos, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}; see its log in {LogFolder}.");
            }

            try
            {
                using var health = JsonDocument.Parse(await Http.GetStringAsync("/health"));
                last = health.RootElement.GetRawText();
                if (health.RootElement.GetProperty("status").GetString() == "Healthy"
                    && last.Contains($"\"{silos} active silo(s)\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} was not healthy with {silos} silos within {timeout}: {last}");
    }

    /// <summary>SIGKILL: the process dies at once, without shutting anything down.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM: the node shuts down in order (the host's graceful stop).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = SendSignal(_process.Id, 15);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        Http.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }


    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}

/// <summary>What every node of one test cluster shares.</summary>
public sealed record ClusterSettings(string ClusterId, string ConnectionString, string KafkaBootstrap, string Topic, int Partitions);
