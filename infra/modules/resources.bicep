// Everything StratX runs on, in one resource group: see the comment at the top of ../main.bicep for the choice of
// Container Apps, and docs/OPERATIONS.md for what each setting does.

param environmentName string
param location string
param tags object
param principalId string

@secure()
param postgresAdminPassword string

@secure()
param operatorKey string

@secure()
param jwtSigningKey string

param serverImageName string
param postgresSkuName string
param postgresSkuTier string
param eventHubsCapacity int
param raceEventPartitions int
param teamTelemetryPartitions int
param teamTelemetryEnabled bool
param minReplicas int
param maxReplicas int

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var postgresAdmin = 'stratx'
var databaseName = 'stratx'

// The topics the code uses by default: DurableEventStreams.DefaultTopic and TeamTelemetryOptions' Topic and DeadLetterTopic.
var raceEventsHub = 'stratx.race-events'
var teamTelemetryHub = 'stratx.telemetry'
var teamTelemetryDeadLetterHub = 'stratx.telemetry.dead-letter'

// Built-in role definitions.
var acrPullRole = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var keyVaultSecretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficerRole = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

// --- identity and registry --------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-stratx-${token}'
  location: location
  tags: tags
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'crstratx${token}'
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource identityPullsImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPullRole)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRole)
  }
}

// --- logs and Application Insights ------------------------------------------------------------------------------

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-stratx-${token}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-stratx-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// --- PostgreSQL: Orleans membership, grain state, reminders, stream checkpoints ---------------------------------

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'psql-stratx-${token}'
  location: location
  tags: tags
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdmin
    administratorLoginPassword: postgresAdminPassword
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Disabled'
    }
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// The Container Apps environment has no VNet of its own here, so its outbound addresses are Azure's: this rule
// admits connections from Azure services only (the password and TLS still apply).
resource postgresFromAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// --- Event Hubs (Kafka endpoint, Standard tier and above) ------------------------------------------------------

resource eventHubs 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: 'evhns-stratx-${token}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: eventHubsCapacity
  }
  properties: {
    minimumTlsVersion: '1.2'
    // The Kafka clients authenticate with the namespace's connection string (SASL PLAIN).
    disableLocalAuth: false
  }
}

resource raceEvents 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: eventHubs
  name: raceEventsHub
  properties: {
    partitionCount: raceEventPartitions
    messageRetentionInDays: 7
  }
}

resource teamTelemetry 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: eventHubs
  name: teamTelemetryHub
  properties: {
    partitionCount: teamTelemetryPartitions
    messageRetentionInDays: 7
  }
}

resource teamTelemetryDeadLetter 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: eventHubs
  name: teamTelemetryDeadLetterHub
  properties: {
    partitionCount: teamTelemetryPartitions
    messageRetentionInDays: 7
  }
}

// Send and Listen, not Manage: the silos write and read the hubs, they never create them.
resource stratxAccess 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = {
  parent: eventHubs
  name: 'stratx'
  properties: {
    rights: [
      'Listen'
      'Send'
    ]
  }
}

// --- Key Vault: the three secrets the container reads ----------------------------------------------------------

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-stratx-${take(token, 11)}'
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource postgresConnectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-connection-string'
  properties: {
    value: 'Host=${postgres.properties.fullyQualifiedDomainName};Port=5432;Database=${database.name};Username=${postgresAdmin};Password=${postgresAdminPassword};SSL Mode=VerifyFull'
  }
}

resource eventHubsConnectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'eventhubs-connection-string'
  properties: {
    value: stratxAccess.listKeys().primaryConnectionString
  }
}

resource operatorKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'operator-key'
  properties: {
    value: operatorKey
  }
}

resource jwtSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'jwt-signing-key'
  properties: {
    value: jwtSigningKey
  }
}

resource identityReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRole)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRole)
  }
}

// Whoever runs azd may write new secret versions (docs/OPERATIONS.md, "Rotate secrets").
resource deployerManagesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(vault.id, principalId, keyVaultSecretsOfficerRole)
  scope: vault
  properties: {
    principalId: principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRole)
  }
}

// --- Container Apps ---------------------------------------------------------------------------------------------

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-stratx-${token}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

// Before azd has pushed an image (the first provision of `azd up`, see azure.yaml) the app runs a public ASP.NET
// sample on the same port, with no StratX settings, probes or database step; azd's deploy then swaps in the StratX
// image (which runs embedded until the settings arrive) and the final provision applies everything below.
var hasImage = !empty(serverImageName)
var image = hasImage ? serverImageName : 'mcr.microsoft.com/dotnet/samples:aspnetapp'

// The Kestrel port (ASPNETCORE_HTTP_PORTS in the Dockerfile).
var httpPort = 8080

// Configuration keys with ':' written '__' (ASP.NET Core's environment variable provider). Only keys the code reads;
// tests/StratX.Server.Tests/DeploymentAssetsTests.cs checks each one.
var serverEnv = [
  { name: 'StratX__Mode', value: 'Cluster' }
  { name: 'ConnectionStrings__StratX', secretRef: 'postgres-connection-string' }
  { name: 'Orleans__ClusterId', value: 'stratx' }
  { name: 'Orleans__ServiceId', value: 'stratx' }
  { name: 'Orleans__SiloPort', value: '11111' }
  { name: 'Orleans__GatewayPort', value: '30000' }
  { name: 'Kafka__BootstrapServers', value: '${eventHubsHost}:9093' }
  { name: 'Kafka__Topic', value: raceEvents.name }
  { name: 'Kafka__Partitions', value: string(raceEventPartitions) }
  { name: 'Kafka__SecurityProtocol', value: 'SASL_SSL' }
  { name: 'Kafka__SaslMechanism', value: 'PLAIN' }
  { name: 'Kafka__SaslUsername', value: '$ConnectionString' }
  { name: 'Kafka__SaslPassword', secretRef: 'eventhubs-connection-string' }
  { name: 'Kafka__KafkaSettings__socket.keepalive.enable', value: 'true' }
  { name: 'Kafka__KafkaSettings__metadata.max.age.ms', value: '180000' }
  { name: 'StratX__TeamTelemetry__Enabled', value: string(teamTelemetryEnabled) }
  { name: 'StratX__TeamTelemetry__Topic', value: teamTelemetry.name }
  { name: 'StratX__TeamTelemetry__DeadLetterTopic', value: teamTelemetryDeadLetter.name }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'StratX__Observability__LogFormat', value: 'json' }
  { name: 'StratX__Auth__OperatorKey', secretRef: 'operator-key' }
  { name: 'StratX__Auth__Jwt__SigningKeys__0', secretRef: 'jwt-signing-key' }
]

// 'https://NAMESPACE.servicebus.windows.net:443/' -> 'NAMESPACE.servicebus.windows.net'
var eventHubsHost = split(split(eventHubs.properties.serviceBusEndpoint, '/')[2], ':')[0]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-stratx-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'server' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: httpPort
        transport: 'http'
        allowInsecure: false
        // SignalR: a client's negotiate and its connection must reach the same replica.
        stickySessions: {
          affinity: 'sticky'
        }
      }
      registries: [
        {
          server: registry.properties.loginServer
          identity: identity.id
        }
      ]
      // Versionless references: a new revision reads each secret's current version.
      secrets: [
        {
          name: 'postgres-connection-string'
          keyVaultUrl: postgresConnectionString.properties.secretUri
          identity: identity.id
        }
        {
          name: 'eventhubs-connection-string'
          keyVaultUrl: eventHubsConnectionString.properties.secretUri
          identity: identity.id
        }
        {
          name: 'operator-key'
          keyVaultUrl: operatorKeySecret.properties.secretUri
          identity: identity.id
        }
        {
          name: 'jwt-signing-key'
          keyVaultUrl: jwtSigningKeySecret.properties.secretUri
          identity: identity.id
        }
      ]
    }
    template: {
      // Creates or updates the cluster's tables before the silo starts: `stratx db init` is idempotent and
      // serialises concurrent runs on an advisory lock, so every replica may run it.
      initContainers: hasImage
        ? [
            {
              name: 'db-init'
              image: image
              command: [
                'dotnet'
                '/app/cli/stratx.dll'
              ]
              args: [
                'db'
                'init'
              ]
              env: [
                { name: 'ConnectionStrings__StratX', secretRef: 'postgres-connection-string' }
              ]
              resources: {
                cpu: json('0.25')
                memory: '0.5Gi'
              }
            }
          ]
        : []
      containers: [
        {
          name: 'server'
          image: image
          env: hasImage ? serverEnv : []
          resources: {
            cpu: json('1.75')
            memory: '3.5Gi'
          }
          probes: hasImage
            ? [
                {
                  type: 'Startup'
                  httpGet: {
                    path: '/health/live'
                    port: httpPort
                  }
                  periodSeconds: 5
                  failureThreshold: 30
                }
                {
                  type: 'Liveness'
                  httpGet: {
                    path: '/health/live'
                    port: httpPort
                  }
                  periodSeconds: 10
                  failureThreshold: 3
                }
                {
                  type: 'Readiness'
                  httpGet: {
                    path: '/health/ready'
                    port: httpPort
                  }
                  periodSeconds: 5
                  failureThreshold: 3
                }
              ]
            : []
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: '100'
              }
            }
          }
          {
            name: 'cpu'
            custom: {
              type: 'cpu'
              metadata: {
                type: 'Utilization'
                value: '70'
              }
            }
          }
        ]
      }
    }
  }
  dependsOn: [
    identityPullsImages
    identityReadsSecrets
  ]
}

output registryLoginServer string = registry.properties.loginServer
output registryName string = registry.name
output environmentName string = environment.name
output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
output appName string = app.name
output appUri string = 'https://${app.properties.configuration.ingress.fqdn}'
output postgresHost string = postgres.properties.fullyQualifiedDomainName
output eventHubsNamespace string = eventHubs.name
