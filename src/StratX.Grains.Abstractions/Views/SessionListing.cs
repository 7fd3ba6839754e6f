using StratX.Domain.Identity;

namespace StratX.Grains.Views;

/// <summary>A session as the tenant's list shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionListing
{
    [Id(0)]
    public required SessionKey Session { get; init; }

    [Id(1)]
    public required string Name { get; init; }

    /// <summary>The bundled race or file it replays, when it is a replay.</summary>
    [Id(2)]
    public string? Source { get; init; }

    [Id(3)]
    public required DateTimeOffset CreatedAt { get; init; }
}
