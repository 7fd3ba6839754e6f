// StratX on Azure, deployed by `azd up` (azure.yaml at the repository root).
//
// Why Azure Container Apps and not AKS: a StratX node is one container (ASP.NET Core with its co-hosted Orleans
// silo). In cluster mode (StratX:Mode=Cluster) the silos find each other through Orleans' ADO.NET membership
// table in PostgreSQL, so no Kubernetes hosting package or cluster to run is needed. Each silo advertises its own
// container IP (Orleans:AdvertisedIP is left unset, so ClusterHosting picks the host's address) and the silos
// connect to each other directly on the environment's network, silo port 11111 (gateway 30000): no TCP ingress
// or additional port mapping, which would put a load balancer between silos that must address one another.
// Container Apps gives what the node needs besides: revisions, HTTP and CPU scale rules, a user-assigned managed
// identity, Key Vault secret references and sticky sessions for SignalR.
//
// This file creates the resource group; modules/resources.bicep holds the resources.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string

@description('Object id of the person running azd: gets Key Vault Secrets Officer to rotate secrets. Empty: nobody.')
param principalId string = ''

@secure()
@minLength(16)
@description('Password of the PostgreSQL administrator that StratX connects as.')
param postgresAdminPassword string

@secure()
@minLength(32)
@description('The operator key (StratX:Auth:OperatorKey).')
param operatorKey string

@secure()
@minLength(44)
@description('Base64 HMAC key (32 bytes or more) that signs and validates team bearer tokens (StratX:Auth:Jwt:SigningKeys:0); e.g. `openssl rand -base64 32`.')
param jwtSigningKey string

@description('The image azd deployed (SERVICE_SERVER_IMAGE_NAME); empty before the first deploy.')
param serverImageName string = ''

@description('PostgreSQL Flexible Server compute size.')
param postgresSkuName string = 'Standard_B2s'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@minValue(1)
@maxValue(20)
@description('Event Hubs throughput units (Standard tier).')
param eventHubsCapacity int = 1

@minValue(1)
@maxValue(32)
@description('Partitions of the race-event hub, and Kafka:Partitions (one Orleans queue each). Fixed once the hub exists.')
param raceEventPartitions int = 8

@minValue(1)
@maxValue(32)
@description('Partitions of the team telemetry hub (shared among the silos by the consumer group).')
param teamTelemetryPartitions int = 8

@description('Run the team telemetry source (StratX:TeamTelemetry:Enabled).')
param teamTelemetryEnabled bool = false

@minValue(2)
@maxValue(30)
param minReplicas int = 2

@minValue(2)
@maxValue(30)
param maxReplicas int = 10

var tags = {
  'azd-env-name': environmentName
}

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'modules/resources.bicep' = {
  name: 'stratx-resources'
  scope: group
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    principalId: principalId
    postgresAdminPassword: postgresAdminPassword
    operatorKey: operatorKey
    jwtSigningKey: jwtSigningKey
    serverImageName: serverImageName
    postgresSkuName: postgresSkuName
    postgresSkuTier: postgresSkuTier
    eventHubsCapacity: eventHubsCapacity
    raceEventPartitions: raceEventPartitions
    teamTelemetryPartitions: teamTelemetryPartitions
    teamTelemetryEnabled: teamTelemetryEnabled
    minReplicas: minReplicas
    maxReplicas: maxReplicas
  }
}

// Read by azd: where to push the image, and what to show after `azd up`.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = resources.outputs.registryLoginServer
output AZURE_CONTAINER_REGISTRY_NAME string = resources.outputs.registryName
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = resources.outputs.environmentName
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
output AZURE_KEY_VAULT_ENDPOINT string = resources.outputs.keyVaultUri
output SERVICE_SERVER_NAME string = resources.outputs.appName
output SERVICE_SERVER_ENDPOINT string = resources.outputs.appUri
output STRATX_POSTGRES_HOST string = resources.outputs.postgresHost
output STRATX_EVENTHUBS_NAMESPACE string = resources.outputs.eventHubsNamespace
