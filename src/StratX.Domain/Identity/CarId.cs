using System.Globalization;
using System.Text.Json.Serialization;
using Orleans;
using StratX.Domain.Serialization;

namespace StratX.Domain.Identity;

/// <summary>A car in a session, named by its race number ("1", "44", "007" in endurance racing).</summary>
[GenerateSerializer, Immutable, JsonConverter(typeof(CarIdJsonConverter))]
public readonly record struct CarId : IComparable<CarId>
{
    public CarId(string value) => Value = KeySegment.RequireCar(value);

    [Id(0)]
    public string Value { get; }

    public static CarId FromNumber(int number) => new(number.ToString(CultureInfo.InvariantCulture));

    public static bool IsValid(string? value) => KeySegment.IsValidCar(value);

    /// <summary>Numeric order where both are numbers ("2" before "10"), ordinal otherwise.</summary>
    public int CompareTo(CarId other)
    {
        var mine = int.TryParse(Value, NumberStyles.None, CultureInfo.InvariantCulture, out var a);
        var theirs = int.TryParse(other.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var b);
        return mine && theirs && a != b ? a.CompareTo(b) : string.CompareOrdinal(Value, other.Value);
    }

    public override string ToString() => Value;
}
