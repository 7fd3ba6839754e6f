using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StratX.Grains;
using StratX.Grains.Hosting;
using StratX.Grains.TeamTelemetry;
using StratX.Server.Demo;
using StratX.Server.Observability;
using StratX.Server.Security;
using StratX.Streaming.Kafka;
using StratX.Tests;

namespace StratX.Server.Tests;

/// <summary>
/// The deployment files (azure.yaml, Dockerfile, infra/*.bicep) against the code: the paths they name exist, the
/// image starts the server's assembly, every setting the container app gets is one the code reads and binds, and the
/// probes and ports are the server's. Docker and the Bicep CLI are not needed: the files are read as text.
/// </summary>
public sealed partial class DeploymentAssetsTests
{
    /// <summary>Names the platform or a library reads rather than StratX's configuration.</summary>
    private static readonly string[] PlatformNames = ["APPLICATIONINSIGHTS_CONNECTION_STRING"];

    private static readonly string[] PlatformPrefixes = ["ASPNETCORE_", "DOTNET_"];

    /// <summary>
    /// Keys the code reads one by one (<c>configuration["..."]</c>, <c>GetValue</c>, <c>GetConnectionString</c>); each is
    /// checked to appear in src/ so that a rename there fails here.
    /// </summary>
    private static readonly string[] KeysReadDirectly =
    [
        ClusterHosting.ModeKey,
        "Orleans:ClusterId",
        "Orleans:ServiceId",
        "Orleans:SiloPort",
        "Orleans:GatewayPort",
        "Orleans:AdvertisedIP",
        "StratX:DataDir",
        OperatorAccess.KeySetting,
    ];

    /// <summary>Sections bound to options classes: every public settable property of the class is a key.</summary>
    private static readonly (string Section, Type Options)[] BoundSections =
    [
        (TeamTelemetryOptions.KafkaSection, typeof(KafkaStreamOptions)),
        (TeamTelemetryOptions.Section, typeof(TeamTelemetryOptions)),
        (ObservabilityOptions.Section, typeof(ObservabilityOptions)),
        (IngestionOptions.Section, typeof(IngestionOptions)),
        (UpdateOptions.Section, typeof(UpdateOptions)),
        (StrategyOptions.Section, typeof(StrategyOptions)),
        (ModelOptions.Section, typeof(ModelOptions)),
        (StreamTuningOptions.Section, typeof(StreamTuningOptions)),
        (DemoOptions.Section, typeof(DemoOptions)),
        (JwtOptions.Section, typeof(JwtOptions)),
        ("Orleans:Membership", typeof(ClusterMembershipOptions)),
    ];

    /// <summary>Values for secrets and for entries whose value Bicep computes, in the shape the real ones have.</summary>
    private static readonly Dictionary<string, string> SampleValues = new(StringComparer.Ordinal)
    {
        ["postgres-connection-string"] = "Host=psql.example.invalid;Port=5432;Database=stratx;Username=stratx;Password=sample;SSL Mode=VerifyFull",
        ["eventhubs-connection-string"] = "Endpoint=sb://evhns.example.invalid/;SharedAccessKeyName=stratx;SharedAccessKey=sample",
        ["operator-key"] = "sample-operator-key-of-at-least-32-characters",
        ["jwt-signing-key"] = Convert.ToBase64String(new byte[32]),
        ["Kafka__BootstrapServers"] = "evhns.example.invalid:9093",
        ["Kafka__Topic"] = "stratx.race-events",
        ["Kafka__Partitions"] = "8",
        ["StratX__TeamTelemetry__Enabled"] = "False",
        ["StratX__TeamTelemetry__Topic"] = "stratx.telemetry",
        ["StratX__TeamTelemetry__DeadLetterTopic"] = "stratx.telemetry.dead-letter",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000",
    };

    private static string Root => RepoPaths.Root;

    private static string Bicep => string.Join('\n', Directory.GetFiles(Path.Combine(Root, "infra"), "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllText));

    private static string Dockerfile => File.ReadAllText(Path.Combine(Root, "Dockerfile"));

    [Fact]
    public void Azure_yaml_names_the_server_project_and_a_dockerfile_and_context_that_exist()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        var project = YamlValue(yaml, "project");
        var projectDir = Path.GetFullPath(Path.Combine(Root, project));
        Assert.True(Directory.Exists(projectDir), $"azure.yaml: project {project} does not exist.");
        Assert.Equal(Path.Combine(Root, "src", "StratX.Server"), projectDir.TrimEnd(Path.DirectorySeparatorChar));
        Assert.Single(Directory.GetFiles(projectDir, "*.csproj"));
        Assert.Equal("containerapp", YamlValue(yaml, "host"));
        Assert.Equal("bicep", YamlValue(yaml, "provider"));
        Assert.True(Directory.Exists(Path.Combine(Root, YamlValue(yaml, "path", after: "infra:"))), "azure.yaml: the infra path does not exist.");

        // azd resolves the Dockerfile and the build context from the service's project folder.
        var dockerfile = Path.GetFullPath(Path.Combine(projectDir, YamlValue(yaml, "path", after: "docker:")));
        var context = Path.GetFullPath(Path.Combine(projectDir, YamlValue(yaml, "context", after: "docker:")));
        Assert.True(File.Exists(dockerfile), $"azure.yaml: the Dockerfile {dockerfile} does not exist.");
        Assert.Equal(Root.TrimEnd(Path.DirectorySeparatorChar), context.TrimEnd(Path.DirectorySeparatorChar));

        // The service name is the tag azd finds the container app by.
        Assert.Matches(@"(?m)^\s{2}server:\s*$", yaml);
        Assert.Contains("'azd-service-name': 'server'", Bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_dockerfile_copy_source_exists_and_the_dockerignore_does_not_hide_it()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("**", StringComparison.Ordinal))
            .Select(l => l.TrimEnd('/'))
            .ToList();
        var sources = CopyInstruction().Matches(Dockerfile)
            .Where(m => !m.Groups["args"].Value.Contains("--from", StringComparison.Ordinal))
            .SelectMany(m => m.Groups["paths"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            var path = Path.Combine(Root, source.TrimEnd('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"Dockerfile: COPY {source}: no such file or folder in the repository.");
            Assert.DoesNotContain(ignored, i => source.TrimEnd('/') == i || source.StartsWith(i + "/", StringComparison.Ordinal));
        }

        // Every project the server and the CLI build from has its project file copied before the restore.
        foreach (var csproj in Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Root, csproj).Replace('\\', '/');
            Assert.Contains(relative, sources);
        }
    }

    [Fact]
    public void The_image_starts_the_server_assembly_and_the_init_container_the_cli()
    {
        var entrypoint = Assert.Single(Regex.Matches(Dockerfile, @"(?m)^ENTRYPOINT\s+\[(.*)\]\s*$")).Groups[1].Value;
        Assert.Equal($"\"dotnet\", \"{AssemblyName("StratX.Server")}.dll\"", entrypoint.Trim());
        Assert.Matches(@"(?m)^WORKDIR /app\s*$", Dockerfile[Dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..]);
        Assert.Contains("COPY --from=build /out/cli/ ./cli/", Dockerfile, StringComparison.Ordinal);

        // The init container runs `dotnet /app/cli/<cli assembly>.dll db init`.
        Assert.Contains($"'/app/cli/{AssemblyName("StratX.Cli")}.dll'", Bicep, StringComparison.Ordinal);
        Assert.Matches(@"'db'\s+'init'", Bicep);
    }

    [Fact]
    public void Every_container_setting_is_a_configuration_key_the_code_reads()
    {
        var entries = EnvEntries();
        Assert.True(entries.Count >= 10, $"Only {entries.Count} environment entries were found in infra/: has their layout changed?");
        var source = string.Join('\n', Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        foreach (var key in KeysReadDirectly)
        {
            Assert.True(source.Contains($"\"{key}\"", StringComparison.Ordinal), $"{key} is no longer read in src/.");
        }

        var unknown = entries.Select(e => e.Name).Distinct().Where(name => !IsKnown(name)).ToList();
        Assert.True(unknown.Count == 0, $"infra/ gives the container settings the code does not read: {string.Join(", ", unknown)}.");
    }

    [Fact]
    public void Every_secret_reference_names_a_key_vault_secret_of_the_app()
    {
        var secrets = Regex.Matches(Bicep, @"name:\s*'([^']+)'\s*\n\s*keyVaultUrl:").Select(m => m.Groups[1].Value).ToHashSet();
        var references = EnvEntries().Where(e => e.SecretRef is not null).Select(e => e.SecretRef!).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Contains(r, secrets));
        Assert.Contains("ConnectionStrings__StratX", EnvEntries().Where(e => e.SecretRef is not null).Select(e => e.Name));
    }

    [Fact]
    public async Task The_server_built_with_the_container_settings_binds_them_and_maps_the_probe_paths()
    {
        var settings = EnvEntries()
            .GroupBy(e => e.Name)
            .Select(g => g.First())
            .ToDictionary(e => e.Name.Replace("__", ":", StringComparison.Ordinal), e => (string?)ValueOf(e));
        var app = StratXServer.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
        try
        {
            Assert.Equal(StratXMode.Cluster, ClusterHosting.Mode(app.Configuration));
            Assert.Equal(SampleValues["postgres-connection-string"], ClusterHosting.ConnectionString(app.Configuration));

            // The race-event stream provider reaches Event Hubs' Kafka endpoint with the connection string.
            var kafka = app.Services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(OrleansNames.EventStreams);
            Assert.Equal(SampleValues["Kafka__BootstrapServers"], kafka.BootstrapServers);
            Assert.Equal(SampleValues["Kafka__Topic"], kafka.Topic);
            Assert.Equal(SampleValues["eventhubs-connection-string"], kafka.SaslPassword);
            var producer = KafkaClientConfigs.ForProducer(kafka, OrleansNames.EventStreams);
            Assert.Equal(Confluent.Kafka.SecurityProtocol.SaslSsl, producer.SecurityProtocol);
            Assert.Equal(Confluent.Kafka.SaslMechanism.Plain, producer.SaslMechanism);
            Assert.Equal("$ConnectionString", producer.SaslUsername);
            Assert.Equal("true", producer.Get("socket.keepalive.enable"));

            // The team telemetry source resolves its options on every start, enabled or not: they must bind.
            var team = app.Services.GetRequiredService<IOptions<TeamTelemetryOptions>>().Value;
            Assert.Equal(Confluent.Kafka.SecurityProtocol.SaslSsl, team.SecurityProtocol);
            Assert.Equal(Confluent.Kafka.SaslMechanism.Plain, team.SaslMechanism);
            Assert.Equal(SampleValues["Kafka__BootstrapServers"], team.BootstrapServers);
            Assert.Equal("$ConnectionString", team.SaslUsername);

            var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
            var probes = Regex.Matches(Bicep, @"path:\s*'(/[^']*)'").Select(m => m.Groups[1].Value).ToList();
            Assert.Contains("/health/live", probes);
            Assert.Contains("/health/ready", probes);
            Assert.All(probes, p => Assert.Contains(p, routes));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void The_container_ports_are_the_dockerfiles()
    {
        var httpPort = Regex.Match(Bicep, @"var httpPort = (\d+)").Groups[1].Value;
        Assert.NotEmpty(httpPort);
        Assert.Matches(@"targetPort:\s*httpPort", Bicep);
        Assert.Matches($@"(?m)^ENV ASPNETCORE_HTTP_PORTS={httpPort}\s*$", Dockerfile);
        var exposed = Regex.Match(Dockerfile, @"(?m)^EXPOSE\s+(.+)$").Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(httpPort, exposed);
        var entries = EnvEntries();
        Assert.Contains(entries.Single(e => e.Name == "Orleans__SiloPort").Value!.Trim('\''), exposed);
        Assert.Contains(entries.Single(e => e.Name == "Orleans__GatewayPort").Value!.Trim('\''), exposed);
    }

    private static bool IsKnown(string name)
    {
        if (PlatformNames.Contains(name, StringComparer.Ordinal) || PlatformPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
        {
            return true;
        }

        if (!name.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        var key = name.Replace("__", ":", StringComparison.Ordinal);
        if (key.Equals($"ConnectionStrings:{ClusterHosting.ConnectionStringName}", StringComparison.OrdinalIgnoreCase)
            || KeysReadDirectly.Contains(key, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var (section, options) in BoundSections)
        {
            if (!key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = key[(section.Length + 1)..].Split(':');
            var property = options.GetProperty(rest[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is { CanWrite: true } || (property is not null && typeof(IDictionary).IsAssignableFrom(property.PropertyType)))
            {
                // A dictionary takes any key below it (librdkafka settings), an array an index; anything else is the property itself.
                return rest.Length == 1
                    || typeof(IDictionary).IsAssignableFrom(property.PropertyType)
                    || (property.PropertyType.IsArray && rest.Length == 2 && int.TryParse(rest[1], System.Globalization.CultureInfo.InvariantCulture, out _));
            }
        }

        return false;
    }

    private static string ValueOf(EnvEntry entry)
    {
        if (entry.SecretRef is { } secret)
        {
            return SampleValues.TryGetValue(secret, out var value) ? value : throw new InvalidOperationException($"Give the test a sample value for the secret {secret}.");
        }

        if (SampleValues.TryGetValue(entry.Name, out var sample))
        {
            return sample;
        }

        var literal = entry.Value!;
        return literal.Length >= 2 && literal[0] == '\'' && literal[^1] == '\'' && !literal.Contains("${", StringComparison.Ordinal)
            ? literal[1..^1]
            : throw new InvalidOperationException($"{entry.Name} gets a computed value ({literal}): give the test a sample value for it.");
    }

    /// <summary>Container environment entries, written one a line as <c>{ name: 'X', value: ... }</c> or <c>{ name: 'X', secretRef: 'y' }</c>.</summary>
    private static List<EnvEntry> EnvEntries() =>
        EnvLine().Matches(Bicep)
            .Select(m => m.Groups["kind"].Value == "secretRef"
                ? new EnvEntry(m.Groups["name"].Value, null, m.Groups["value"].Value.Trim().Trim('\''))
                : new EnvEntry(m.Groups["name"].Value, m.Groups["value"].Value.Trim(), null))
            .ToList();

    private static string AssemblyName(string project)
    {
        var csproj = File.ReadAllText(Path.Combine(Root, "src", project, $"{project}.csproj"));
        var match = Regex.Match(csproj, "<AssemblyName>([^<]+)</AssemblyName>");
        return match.Success ? match.Groups[1].Value : project;
    }

    /// <summary>The value of <paramref name="key"/> in a small YAML file, optionally the first one after the line holding <paramref name="after"/>.</summary>
    private static string YamlValue(string yaml, string key, string? after = null)
    {
        var start = after is null ? 0 : yaml.IndexOf(after, StringComparison.Ordinal);
        Assert.True(start >= 0, $"azure.yaml has no {after}");
        var match = new Regex($@"(?m)^\s*{Regex.Escape(key)}:\s*(\S+)\s*$").Match(yaml, start);
        Assert.True(match.Success, $"azure.yaml has no {key}{(after is null ? "" : $" under {after}")}");
        return match.Groups[1].Value;
    }

    private sealed record EnvEntry(string Name, string? Value, string? SecretRef);

    [GeneratedRegex(@"(?m)^\s*\{\s*name:\s*'(?<name>[^']+)'\s*,\s*(?<kind>value|secretRef):\s*(?<value>.+?)\s*\}\s*$")]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"(?m)^COPY\s+(?<args>(--\S+\s+)*)(?<paths>.+)$")]
    private static partial Regex CopyInstruction();
}
