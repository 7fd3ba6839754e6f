namespace StratX.Ingestion.Validation;

/// <summary>One input record that was not accepted, and why. The records around it still go through.</summary>
public sealed record InputRejection(string File, long Line, string Reason)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Reason}" : $"{File}: {Reason}";
}

/// <summary>Where parsers report what they reject.</summary>
public interface IRejectionSink
{
    void Reject(InputRejection rejection);
}
