using System.Text.Json.Serialization;
using Orleans;
using StratX.Domain.Serialization;

namespace StratX.Domain.Identity;

/// <summary>One race session (a grand prix, a sprint, an endurance race) inside a tenant.</summary>
[GenerateSerializer, Immutable, JsonConverter(typeof(SessionIdJsonConverter))]
public readonly record struct SessionId
{
    public SessionId(string value) => Value = KeySegment.RequireName(value, "session");

    [Id(0)]
    public string Value { get; }

    public static bool IsValid(string? value) => KeySegment.IsValidName(value);

    public override string ToString() => Value;
}
