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
using StratX.Server.Security;

namespace StratX.Server;

/// <summary>Builds the StratX web node with its co-hosted silo: the same code runs the server, the tests and the benchmarks.</summary>
public static class StratXServer
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var config = builder.Configuration;

        var observability = ObservabilityOptions.From(config);
        builder.UseOrleans(silo =>
        {
            silo.UseStratXClustering(config)
                .AddStratX(config)
                .AddStratXTeamTelemetry(config)
                .AddStratXDashboard(config);
            if (observability.OrleansTraces)
            {
                silo.AddActivityPropagation();
            }
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ITenantAccessor, ClaimsTenantAccessor>();
        builder.Services.AddSingleton(TenantQuotaGuard.DefaultsFrom(config));
        builder.Services.AddSingleton<TenantQuotaGuard>();
        builder.Services.AddSingleton(sp => BundledRaces.Load(DataRoot(sp.GetRequiredService<IConfiguration>())));
        builder.Services.AddSingleton<SessionUpdateForwarder>();
        // The demo replay belongs to the embedded default; a cluster starts replays only when asked.
        builder.Services.AddOptions<DemoOptions>()
            .Configure(o => o.Enabled = ClusterHosting.Mode(config) == StratXMode.Embedded)
            .Bind(config.GetSection(DemoOptions.Section));
        builder.Services.AddHostedService<DemoReplay>();
        builder.Services.AddHostedService<DevelopmentSignIn>();

        var bodyLimit = config.GetSection(EdgeOptions.Section).Get<EdgeOptions>()?.MaxRequestBodyBytes ?? new EdgeOptions().MaxRequestBodyBytes;
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Requests refused before an endpoint ran get a reason too (never the exception's text: it names the server's types).
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status400BadRequest => "The request could not be read: its body is not JSON of the shape this endpoint takes, or a required part is missing.",
                StatusCodes.Status413PayloadTooLarge => $"The request body is larger than the limit of {bodyLimit} bytes.",
                StatusCodes.Status401Unauthorized => "Sign in: send a bearer token or an API key (X-Api-Key).",
                StatusCodes.Status403Forbidden => "Your role does not allow this.",
                _ => null,
            };
        });
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.AddSignalR().AddJsonProtocol(o => ConfigureJson(o.PayloadSerializerOptions));
        builder.Services.AddTenantContext();
        builder.Services.AddOpenApi();
        builder.Services.AddStratXHealthChecks(config);
        builder.AddStratXTelemetry();
        builder.AddTeamAuthentication();
        builder.AddOperatorAccess();
        builder.AddStratXEdge();
        builder.AddStratXRateLimits();

        var app = builder.Build();
        app.UseCorrelationId();
        app.UseStratXEdge();
        // A request the server refused while reading it (a body over the limit: 413) keeps its status, one a
        // tenant's grain refused is a 404; anything else unhandled is a 500 whose problem document says nothing about the server's insides.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                BadHttpRequestException refused => refused.StatusCode,
                // A grain of another tenant refused the call: to the caller that resource does not exist.
                Grains.Security.TenantAccessDeniedException => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTenantContext();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapStratXHealthChecks();
        app.MapStratXTelemetry();
        app.MapOperatorEndpoints();
        app.MapHub<RaceHub>(RaceHub.Path);
        app.MapRacesApi();
        app.MapSessionsApi();
        app.MapSimulationsApi();
        app.MapModelsApi();
        app.MapTenancyApi();
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
