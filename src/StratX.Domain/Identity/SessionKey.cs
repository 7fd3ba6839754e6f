using System.Text.Json.Serialization;
using Orleans;
using StratX.Domain.Serialization;

namespace StratX.Domain.Identity;

/// <summary>"{tenant}/{session}": the key of a session's grains and of its session-wide streams.</summary>
[GenerateSerializer, Immutable, JsonConverter(typeof(SessionKeyJsonConverter))]
public readonly record struct SessionKey([property: Id(0)] TenantId Tenant, [property: Id(1)] SessionId Session)
{
    public CarKey Car(CarId car) => new(this, car);

    public static SessionKey Parse(string key)
    {
        var parts = key.Split('/');
        return parts.Length == 2
            ? new SessionKey(new TenantId(parts[0]), new SessionId(parts[1]))
            : throw new FormatException($"Invalid session key '{key}': expected '{{tenant}}/{{session}}'.");
    }

    public override string ToString() => $"{Tenant.Value}/{Session.Value}";
}
