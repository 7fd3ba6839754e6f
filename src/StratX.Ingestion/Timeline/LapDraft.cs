using StratX.Domain.Events;

namespace StratX.Ingestion.Timeline;

/// <summary>A lap as a parser read it, with where it came from so a later check can name the line.</summary>
/// <param name="Lap">The lap; its session and sequence number are set when the timeline is assembled.</param>
internal sealed record LapDraft(LapCompleted Lap, string File, long Line);
