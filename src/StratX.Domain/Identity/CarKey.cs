using System.Text.Json.Serialization;
using Orleans;
using StratX.Domain.Serialization;

namespace StratX.Domain.Identity;

/// <summary>"{tenant}/{session}/{car}": the key of a car's grains and of its timing and telemetry streams.</summary>
[GenerateSerializer, Immutable, JsonConverter(typeof(CarKeyJsonConverter))]
public readonly record struct CarKey([property: Id(0)] SessionKey Session, [property: Id(1)] CarId Car)
{
    public StintKey Stint(int stintNumber) => new(this, stintNumber);

    public static CarKey Parse(string key)
    {
        var cut = key.LastIndexOf('/');
        return cut > 0
            ? new CarKey(SessionKey.Parse(key[..cut]), new CarId(key[(cut + 1)..]))
            : throw new FormatException($"Invalid car key '{key}': expected '{{tenant}}/{{session}}/{{car}}'.");
    }

    public override string ToString() => $"{Session}/{Car.Value}";
}
