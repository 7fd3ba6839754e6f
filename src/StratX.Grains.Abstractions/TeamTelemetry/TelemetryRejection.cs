namespace StratX.Grains.TeamTelemetry;

/// <summary>Why a team telemetry message was not applied. Each reason has a stable code (see <see cref="TelemetryRejectionReasons.Code"/>).</summary>
public enum TelemetryRejectionReason : byte
{
    /// <summary><c>not-json</c>: the bytes are not one well-formed UTF-8 JSON value.</summary>
    NotJson = 1,

    /// <summary><c>schema</c>: well-formed JSON that breaks the message schema (a field missing, of the wrong type or out of range).</summary>
    Schema = 2,

    /// <summary><c>oversized</c>: the message is larger than the configured limit; it is not parsed.</summary>
    Oversized = 3,

    /// <summary><c>unknown-session</c>: no such session in the tenant.</summary>
    UnknownSession = 4,

    /// <summary><c>unknown-car</c>: the session exists but has no such car.</summary>
    UnknownCar = 5,

    /// <summary><c>sequence-gap</c>: messages are missing before this one; it is not applied and the car carries on after it.</summary>
    SequenceGap = 6,

    /// <summary><c>duplicate</c>: the car already consumed this sequence number (applied, rejected or passed over in a gap).</summary>
    Duplicate = 7,

    /// <summary><c>out-of-order</c>: the samples start before the car's last applied sample.</summary>
    OutOfOrder = 8,

    /// <summary><c>replayed-telemetry</c>: the session's replay publishes the recording's car telemetry, which team telemetry would collide with.</summary>
    ReplayedTelemetry = 9,

    /// <summary><c>wrong-tenant</c>: the message came on a topic of one tenant (<c>StratX:TeamTelemetry:TenantTopics</c>) and names another's car.</summary>
    WrongTenant = 10,
}

/// <summary>The stable codes of <see cref="TelemetryRejectionReason"/>, as the dead-letter header <c>stratx-reason</c> carries them.</summary>
public static class TelemetryRejectionReasons
{
    /// <summary>Every reason, in declaration order.</summary>
    public static IReadOnlyList<TelemetryRejectionReason> All { get; } = Enum.GetValues<TelemetryRejectionReason>();

    public static string Code(this TelemetryRejectionReason reason) => reason switch
    {
        TelemetryRejectionReason.NotJson => "not-json",
        TelemetryRejectionReason.Schema => "schema",
        TelemetryRejectionReason.Oversized => "oversized",
        TelemetryRejectionReason.UnknownSession => "unknown-session",
        TelemetryRejectionReason.UnknownCar => "unknown-car",
        TelemetryRejectionReason.SequenceGap => "sequence-gap",
        TelemetryRejectionReason.Duplicate => "duplicate",
        TelemetryRejectionReason.OutOfOrder => "out-of-order",
        TelemetryRejectionReason.ReplayedTelemetry => "replayed-telemetry",
        TelemetryRejectionReason.WrongTenant => "wrong-tenant",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a telemetry rejection reason."),
    };

    public static bool TryParse(string? code, out TelemetryRejectionReason reason)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Code(), code, StringComparison.Ordinal))
            {
                reason = candidate;
                return true;
            }
        }

        reason = default;
        return false;
    }
}

/// <summary>A rejected message: the reason and a sentence saying what exactly was wrong (which field, which values).</summary>
[GenerateSerializer, Immutable]
public sealed record TelemetryRejection([property: Id(0)] TelemetryRejectionReason Reason, [property: Id(1)] string Detail)
{
    public string Code => Reason.Code();

    public override string ToString() => $"{Code}: {Detail}";
}
