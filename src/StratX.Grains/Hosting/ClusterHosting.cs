using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace StratX.Grains.Hosting;

/// <summary>How a StratX node runs: everything in one process in memory, or as one silo of a cluster on PostgreSQL and Kafka.</summary>
public enum StratXMode
{
    /// <summary>One process: in-memory storage, streams and reminders. What <c>dotnet run</c> starts.</summary>
    Embedded,

    /// <summary>A silo of a cluster: membership, grain state and reminders in PostgreSQL, race events on Kafka.</summary>
    Cluster,
}

/// <summary>
/// Reads the hosting settings (<c>StratX:Mode</c>, <c>ConnectionStrings:StratX</c>, <c>Orleans:*</c>) and
/// configures clustering for the mode. Keys follow ASP.NET configuration, so environment variables such as
/// <c>Orleans__SiloPort</c> work.
/// </summary>
public static class ClusterHosting
{
    public const string ModeKey = "StratX:Mode";
    public const string ConnectionStringName = "StratX";

    /// <summary>The mode from <c>StratX:Mode</c>; absent means embedded, anything unknown is a clear error.</summary>
    public static StratXMode Mode(IConfiguration configuration)
    {
        var value = configuration[ModeKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return StratXMode.Embedded;
        }

        return Enum.TryParse<StratXMode>(value.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new InvalidOperationException($"{ModeKey} is '{value}': use Embedded or Cluster.");
    }

    /// <summary>The PostgreSQL connection string cluster mode needs (<c>ConnectionStrings:StratX</c>).</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Cluster mode needs a PostgreSQL connection string: set ConnectionStrings:{ConnectionStringName} (environment: ConnectionStrings__{ConnectionStringName}).");

    /// <summary>
    /// Embedded: localhost clustering on <c>Orleans:SiloPort</c>/<c>Orleans:GatewayPort</c>. Cluster: ADO.NET
    /// membership on PostgreSQL, <c>Orleans:ClusterId</c>/<c>Orleans:ServiceId</c>, endpoints advertised on
    /// <c>Orleans:AdvertisedIP</c> (default: this host's address), and membership probes tuned so that a dead
    /// silo is declared within a few seconds (<c>Orleans:Membership:*</c> overrides them).
    /// </summary>
    public static ISiloBuilder UseStratXClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var siloPort = configuration.GetValue("Orleans:SiloPort", 11111);
        var gatewayPort = configuration.GetValue("Orleans:GatewayPort", 30000);
        if (Mode(configuration) == StratXMode.Embedded)
        {
            return silo.UseLocalhostClustering(siloPort, gatewayPort);
        }

        var connectionString = ConnectionString(configuration);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = configuration["Orleans:ClusterId"] is { Length: > 0 } cluster ? cluster : "stratx";
            o.ServiceId = configuration["Orleans:ServiceId"] is { Length: > 0 } service ? service : "stratx";
        });

        var advertised = configuration["Orleans:AdvertisedIP"] is { Length: > 0 } ip
            ? IPAddress.Parse(ip)
            : null;
        if (advertised is null)
        {
            silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }

        silo.Configure<ClusterMembershipOptions>(o =>
        {
            // A silo that stops answering is suspected after three missed 1 s probes and declared dead once two
            // silos agree: a few seconds, where Orleans' defaults (10 s probes) take most of a minute.
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 3;
            o.NumVotesForDeathDeclaration = 2;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            configuration.GetSection("Orleans:Membership").Bind(o);
        });
        return silo;
    }
}
