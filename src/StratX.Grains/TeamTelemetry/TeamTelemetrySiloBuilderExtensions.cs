using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StratX.Grains.TeamTelemetry;

/// <summary>Registers the team telemetry source on a silo.</summary>
public static class TeamTelemetrySiloBuilderExtensions
{
    /// <summary>
    /// Adds the team telemetry source (<see cref="TeamTelemetrySource"/>, a hosted service that consumes while
    /// the silo is active), the session roster cache its grains use, and binds <see cref="TeamTelemetryOptions"/>
    /// from <c>StratX:TeamTelemetry</c>, with connection settings falling back to the <c>Kafka</c> section.
    /// Call after <c>AddStratX</c>. Nothing connects anywhere unless <c>StratX:TeamTelemetry:Enabled</c> is true.
    /// </summary>
    public static ISiloBuilder AddStratXTeamTelemetry(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddOptions<TeamTelemetryOptions>()
            .Bind(configuration.GetSection(TeamTelemetryOptions.Section))
            .PostConfigure(options =>
            {
                var kafka = configuration.GetSection(TeamTelemetryOptions.KafkaSection);
                if (string.IsNullOrWhiteSpace(options.BootstrapServers))
                {
                    options.BootstrapServers = kafka["BootstrapServers"];
                }

                options.SecurityProtocol ??= kafka.GetValue<Confluent.Kafka.SecurityProtocol?>("SecurityProtocol");
                options.SaslMechanism ??= kafka.GetValue<Confluent.Kafka.SaslMechanism?>("SaslMechanism");
                options.SaslUsername ??= kafka["SaslUsername"];
                options.SaslPassword ??= kafka["SaslPassword"];
            });

        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<SessionRosters>();
        silo.Services.TryAddSingleton<TeamTelemetrySource>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<TeamTelemetrySource>());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<TeamTelemetrySource>());
        return silo;
    }
}
