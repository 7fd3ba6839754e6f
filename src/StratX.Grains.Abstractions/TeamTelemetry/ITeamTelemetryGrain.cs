namespace StratX.Grains.TeamTelemetry;

/// <summary>
/// A car's team telemetry, keyed "{tenant}/{session}/{car}" like the car itself. Checks a validated message
/// against the session's cars and the car's message sequence, publishes its samples on the car's telemetry
/// stream with the car's sample sequence numbers, and persists where the sequence stands, so a redelivered
/// message is a duplicate on any silo and after any restart.
/// </summary>
public interface ITeamTelemetryGrain : IGrainWithStringKey
{
    /// <summary>Applies the message or says why not. Throws only when the message could not be decided (storage, streams); retry it then.</summary>
    ValueTask<TeamTelemetryResult> Apply(TeamTelemetryMessage message);

    ValueTask<TeamTelemetryCarStatus> GetStatus();
}
