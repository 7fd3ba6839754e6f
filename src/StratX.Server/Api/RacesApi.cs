using StratX.Domain.Recordings;
using StratX.Server.Security;

namespace StratX.Server.Api;

/// <summary>The recorded races a session can replay.</summary>
public static class RacesApi
{
    public static RouteGroupBuilder MapRacesApi(this IEndpointRouteBuilder app)
    {
        var races = app.MapGroup("/api/v1/races").WithTags("Races").RequireAuthorization(TeamPolicies.Viewer);
        races.MapGet("/", (BundledRaces bundled) => TypedResults.Ok<IReadOnlyList<RaceListItem>>(
                [.. bundled.All.Select(r => new RaceListItem(r.Id, r.Name, r.Season, r.Round, r.Format))]))
            .WithSummary("The bundled races, by id.");
        return races;
    }
}

public sealed record RaceListItem(string Id, string Name, int Season, int? Round, RecordingFormat Format);
