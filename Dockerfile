# The StratX node (ASP.NET Core with its co-hosted Orleans silo) and the stratx CLI, which the container app runs
# as an init container (`stratx db init`). azure.yaml points azd here; docs/OPERATIONS.md says how it is deployed.
# The dashboard's built files are committed in src/StratX.Server/wwwroot, so no Node stage is needed.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first from the project files alone, so that a source change does not re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/StratX.Domain/StratX.Domain.csproj src/StratX.Domain/
COPY src/StratX.Grains.Abstractions/StratX.Grains.Abstractions.csproj src/StratX.Grains.Abstractions/
COPY src/StratX.Grains/StratX.Grains.csproj src/StratX.Grains/
COPY src/StratX.Ingestion/StratX.Ingestion.csproj src/StratX.Ingestion/
COPY src/StratX.Models/StratX.Models.csproj src/StratX.Models/
COPY src/StratX.Simulation/StratX.Simulation.csproj src/StratX.Simulation/
COPY src/StratX.Streaming.Kafka/StratX.Streaming.Kafka.csproj src/StratX.Streaming.Kafka/
COPY src/StratX.Server/StratX.Server.csproj src/StratX.Server/
COPY src/StratX.Cli/StratX.Cli.csproj src/StratX.Cli/
RUN dotnet restore src/StratX.Server/StratX.Server.csproj \
 && dotnet restore src/StratX.Cli/StratX.Cli.csproj

# The sources, Orleans' SQL scripts (embedded by StratX.Grains), and the races and models the server ships with
# (StratX.Server.csproj copies data/ and models/ into its output).
COPY src/ src/
COPY third_party/ third_party/
COPY data/ data/
COPY models/ models/
RUN dotnet publish src/StratX.Server/StratX.Server.csproj -c Release --no-restore -p:UseAppHost=false -o /out/server \
 && dotnet publish src/StratX.Cli/StratX.Cli.csproj -c Release --no-restore -p:UseAppHost=false -o /out/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /out/server/ ./
COPY --from=build /out/cli/ ./cli/
ENV ASPNETCORE_HTTP_PORTS=8080
# HTTP (REST, SignalR, health, metrics); Orleans silo-to-silo; Orleans gateway.
EXPOSE 8080 11111 30000
# The non-root user the .NET images provide.
USER $APP_UID
ENTRYPOINT ["dotnet", "StratX.Server.dll"]
