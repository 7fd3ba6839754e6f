using System.Globalization;
using Orleans;

namespace StratX.Domain.Identity;

/// <summary>"{tenant}/{session}/{car}/{stint}": one stint of one car, numbered from 1.</summary>
[GenerateSerializer, Immutable]
public readonly record struct StintKey([property: Id(0)] CarKey Car, [property: Id(1)] int Number)
{
    public static StintKey Parse(string key)
    {
        var cut = key.LastIndexOf('/');
        if (cut <= 0 || !int.TryParse(key.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw new FormatException($"Invalid stint key '{key}': expected '{{tenant}}/{{session}}/{{car}}/{{stint number}}'.");
        }

        return new StintKey(CarKey.Parse(key[..cut]), number);
    }

    public override string ToString() => $"{Car}/{Number.ToString(CultureInfo.InvariantCulture)}";
}
