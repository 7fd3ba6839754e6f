using Orleans;

namespace StratX.Domain.Events;

/// <summary>The source has nothing more for this session (the feed closed or the recording ended).</summary>
[GenerateSerializer, Immutable]
public sealed record SessionEnded : SessionEvent;
