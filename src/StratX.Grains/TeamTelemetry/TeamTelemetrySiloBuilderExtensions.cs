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

                options.SecurityProtocol ??= KafkaEnum<Confluent.Kafka.SecurityProtocol>(kafka, "SecurityProtocol");
                options.SaslMechanism ??= KafkaEnum<Confluent.Kafka.SaslMechanism>(kafka, "SaslMechanism");
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

    /// <summary>
    /// A value of the shared <c>Kafka</c> section, which the stream provider reads in librdkafka's spelling
    /// (<c>SASL_SSL</c>, <c>PLAIN</c>): either that or the enum's name (<c>SaslSsl</c>) is accepted.
    /// </summary>
    private static T? KafkaEnum<T>(IConfigurationSection kafka, string key)
        where T : struct, Enum
    {
        if (kafka[key] is not { Length: > 0 } value)
        {
            return null;
        }

        return Enum.TryParse<T>(value.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidOperationException($"{kafka.Path}:{key} is '{value}': use one of {string.Join(", ", Enum.GetNames<T>())} (or librdkafka's spelling, e.g. SASL_SSL).");
    }
}
