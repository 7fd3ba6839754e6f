using System.Text.Json;
using System.Text.Json.Serialization;
using Scalar.AspNetCore;
using StratX.Grains.Hosting;
using StratX.Grains.TeamTelemetry;
using StratX.Server.Api;
using StratX.Server.Demo;
using StratX.Server.Health;
using StratX.Server.Hubs;
using StratX.Server.Observability;

namespace StratX.Server;

/// <summary>Builds the StratX web node with its co-hosted silo: the same code runs the server, the tests and the benchmarks.</summary>
public static class StratXServer
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var config = builder.Configuration;

        builder.UseOrleans(silo => silo
            .UseStratXClustering(config)
            .AddStratX(config)
            .AddStratXTeamTelemetry(config));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ITenantAccessor, DemoTenantAccessor>();
        builder.Services.AddSingleton(sp => BundledRaces.Load(DataRoot(sp.GetRequiredService<IConfiguration>())));
        builder.Services.AddSingleton<SessionUpdateForwarder>();
        // The demo replay belongs to the embedded default; a cluster starts replays only when asked.
        builder.Services.AddOptions<DemoOptions>()
            .Configure(o => o.Enabled = ClusterHosting.Mode(config) == StratXMode.Embedded)
            .Bind(config.GetSection(DemoOptions.Section));
        builder.Services.AddHostedService<DemoReplay>();

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.AddSignalR().AddJsonProtocol(o => ConfigureJson(o.PayloadSerializerOptions));
        builder.Services.AddOpenApi();
        builder.Services.AddStratXHealthChecks(config);
        builder.AddStratXTelemetry();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();

        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapStratXHealthChecks();
        app.MapStratXTelemetry();
        app.MapHub<RaceHub>(RaceHub.Path);
        app.MapRacesApi();
        app.MapSessionsApi();
        app.MapSimulationsApi();
        app.MapModelsApi();
        return app;
    }

    /// <summary>JSON for REST and SignalR alike: camelCase, enums as names.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
    }

    /// <summary>The race catalogue's folder: StratX:DataDir (StratX:DataRoot is its older name), or the data/ folder shipped beside the server.</summary>
    public static string DataRoot(IConfiguration config) =>
        (config["StratX:DataDir"] ?? config["StratX:DataRoot"]) is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "data");
}
