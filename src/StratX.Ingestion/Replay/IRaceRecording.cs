using StratX.Domain.Events;
using StratX.Domain.Identity;

namespace StratX.Ingestion.Replay;

/// <summary>
/// A recorded race that can be replayed. Reading is deterministic: the same files give the same items with
/// the same sequence numbers, which is what makes a second replay into a session change nothing.
/// </summary>
public interface IRaceRecording
{
    /// <summary>What the race is, its distance and entry list (known once the recording is opened).</summary>
    RaceInfo Race { get; }

    /// <summary>When the race started (lights out), used to skip the pre-race part of a recording.</summary>
    DateTimeOffset RaceStart { get; }

    /// <summary>Every item in time order; rejected records go to the sink given when the recording was opened.</summary>
    IEnumerable<SourceItem> Read(SessionKey session, CancellationToken cancellationToken = default);
}
