using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;

namespace StratX.Domain.Tests;

public class SerializationTests
{
    private static readonly SessionKey Session = new(TenantId.Demo, new SessionId("2023-bahrain"));

    [Fact]
    public void Events_round_trip_through_the_orleans_serializer_with_their_concrete_type()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        CarEvent lap = new LapCompleted
        {
            Session = Session,
            Car = CarId.FromNumber(1),
            Sequence = 42,
            OccurredAt = DateTimeOffset.Parse("2023-03-05T15:05:17.858Z"),
            LapNumber = 2,
            LapTime = 97.974,
            Compound = TyreCompound.Soft,
            GapToLeader = RaceGap.FromLaps(1),
        };

        var copy = serializer.Deserialize<CarEvent>(serializer.SerializeToArray(lap));

        Assert.Equal(lap, copy);
        Assert.IsType<LapCompleted>(copy);
    }

    [Fact]
    public void Ids_are_plain_strings_in_json()
    {
        var json = JsonSerializer.Serialize(new { Session, Car = CarId.FromNumber(44) });

        Assert.Equal("""{"Session":"demo/2023-bahrain","Car":"44"}""", json);
        Assert.Equal(Session, JsonSerializer.Deserialize<SessionKey>("\"demo/2023-bahrain\""));
    }

    [Theory]
    [InlineData("Demo")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Invalid_ids_are_refused_with_a_clear_message(string text)
    {
        var error = Assert.Throws<FormatException>(() => new TenantId(text));
        Assert.Contains("Invalid tenant", error.Message);
    }

    [Theory]
    [InlineData("acme\n")]
    [InlineData("acme\r\n")]
    [InlineData("\nacme")]
    public void An_id_with_a_line_break_at_either_end_is_refused(string text)
    {
        // A regular expression's '$' also matches before a final line break: "acme\n" was a valid tenant and session id.
        Assert.False(TenantId.IsValid(text));
        Assert.False(SessionId.IsValid(text));
        Assert.False(CarId.IsValid(text.Replace("acme", "44", StringComparison.Ordinal)));
        Assert.Throws<FormatException>(() => new TenantId(text));
    }
}
