using StratX.Domain.Identity;

namespace StratX.Grains.Ingestion;

/// <summary>A session can take one replay at a time.</summary>
[GenerateSerializer]
public sealed class ReplayAlreadyRunningException : Exception
{
    public ReplayAlreadyRunningException()
    {
    }

    public ReplayAlreadyRunningException(string message)
        : base(message)
    {
    }

    public ReplayAlreadyRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReplayAlreadyRunningException(SessionKey session)
        : base($"Session {session} is already replaying; cancel it or wait for it to finish.")
    {
    }
}
