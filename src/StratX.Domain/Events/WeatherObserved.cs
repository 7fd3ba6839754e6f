using Orleans;

namespace StratX.Domain.Events;

/// <summary>A weather station reading: temperatures in °C, humidity in %, pressure in mbar, wind in m/s and degrees.</summary>
[GenerateSerializer, Immutable]
public sealed record WeatherObserved : SessionEvent
{
    [Id(0)]
    public double? AirTemperature { get; init; }

    [Id(1)]
    public double? TrackTemperature { get; init; }

    [Id(2)]
    public double? Humidity { get; init; }

    [Id(3)]
    public double? Pressure { get; init; }

    [Id(4)]
    public bool Rainfall { get; init; }

    [Id(5)]
    public double? WindSpeed { get; init; }

    [Id(6)]
    public int? WindDirection { get; init; }
}
