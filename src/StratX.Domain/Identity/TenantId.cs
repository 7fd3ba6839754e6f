using System.Text.Json.Serialization;
using Orleans;
using StratX.Domain.Serialization;

namespace StratX.Domain.Identity;

/// <summary>A team's namespace. Every key starts with it; it only ever comes from an authenticated principal.</summary>
[GenerateSerializer, Immutable, JsonConverter(typeof(TenantIdJsonConverter))]
public readonly record struct TenantId
{
    public static readonly TenantId Demo = new("demo");

    public TenantId(string value) => Value = KeySegment.RequireName(value, "tenant");

    [Id(0)]
    public string Value { get; }

    public static bool IsValid(string? value) => KeySegment.IsValidName(value);

    public override string ToString() => Value;
}
