namespace StratX.Grains.Hosting;

/// <summary>How grains pace the updates they put on a session's update stream.</summary>
public sealed class UpdateOptions
{
    public const string Section = "StratX:Updates";

    /// <summary>
    /// At most one update of a kind per grain per interval (a car's view, its telemetry, a stint, the
    /// classification); changes in between are folded into the next. Zero sends every change.
    /// </summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
