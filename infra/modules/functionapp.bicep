// The orchestrator: a Java 17 function app on Linux, Flex Consumption plan (FC1).
//
// Why Flex Consumption rather than Elastic Premium:
// - Long steps. A step function may run for minutes (a slot swap is waited for up to 8 minutes, slot
//   creation up to 5, warm-up rounds), so the classic Consumption plan's 10-minute ceiling would be too
//   tight. Flex has no such ceiling (default 30 minutes, can be unbounded); host.json asks for 10 minutes
//   (functionTimeout) and the Service Bus lock is renewed for as long (maxAutoLockRenewalDuration).
//   Database copies and restores are never waited for: a scheduled message checks on them.
// - No keys. Flex runs from a package in a blob container read with the managed identity and needs no
//   Azure Files content share, so host storage is identity-based and the storage account can refuse
//   shared keys. Elastic Premium mounts an Azure Files share, which only takes a connection string with
//   the account key (WEBSITE_CONTENTAZUREFILECONNECTIONSTRING).
// - The timer and Service Bus triggers are supported, with per-function target-based scaling from the
//   queues (see roles.bicep for the scale controller's Service Bus role).
// - VNet integration is available on Flex when the targets or the storage go private (set
//   virtualNetworkSubnetId); Elastic Premium would add nothing there.
// - Cold start: the work is asynchronous (queued steps, a 5-minute timer) and a deployment lasts minutes,
//   so a Java cold start of seconds does not matter; the HTTP API is called by pipelines, not people.
//   Set alwaysReadyHttpInstances to keep HTTP instances warm. Elastic Premium would keep (and bill) at
//   least one instance always on.
// On Flex the runtime is set by functionAppConfig.runtime (java 17): the app settings
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not allowed on this plan (the runtime
// is always ~4), so they do not appear below.

param name string
param planName string
param location string
param tags object = {}

param identityId string
param identityClientId string

param storageAccountName string
param storageBlobEndpoint string
param storageTableEndpoint string
param deploymentContainerName string

param serviceBusFullyQualifiedNamespace string
param applicationInsightsConnectionString string
param targetSubscriptionId string

@description('NCRONTAB schedule of the stale-maintenance timer.')
param staleMaintenanceSchedule string = '0 */5 * * * *'

@description('Upper bound of Flex Consumption instances.')
param maximumInstanceCount int = 40

@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Always-ready instances for the HTTP API (0: scale to zero).')
param alwaysReadyHttpInstances int = 0

@description('Key Vault secret URI (https://<vault>.vault.azure.net/secrets/<name>) of the webhook signing secret; empty: no webhook is posted. The identity needs Key Vault Secrets User on that secret or vault.')
param webhookSecretUri string = ''

@description('Optional subnet (delegated to Microsoft.App/environments) for VNet integration.')
param virtualNetworkSubnetId string = ''

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (SMOOTHDEPLOY_WEBHOOK_SECRET) are resolved with this identity: the app has no
    // system-assigned one (https://learn.microsoft.com/azure/app-service/app-service-key-vault-references).
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttpInstances > 0 ? [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstances
          }
        ] : []
      }
      runtime: {
        name: 'java'
        version: '17'
      }
    }
  }

  // Every setting the code reads (InfraConsistencyTest checks them against the function annotations,
  // AzureComposition and local.settings.sample.json). Connections are identity-based: no setting holds a
  // key or a connection string with a secret.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Host storage, identity-based (timer leases, host keys, diagnostics).
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId

      // The connection of every Service Bus trigger (StepFunctions, DeadLetterFunctions) and of the
      // sender (ServiceBusConnections / ServiceBusStepQueue).
      ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identityClientId

      // The state tables (AzureComposition, TableDeploymentStore).
      StateTableConnection__tableServiceUri: storageTableEndpoint
      StateTableConnection__clientId: identityClientId
      StateTableName: 'smoothdeploy'
      DeploymentIndexTableName: 'smoothdeployindex'

      // The queue of each step (Step.queueSetting(); the triggers' %...% queue names). Each value is a
      // queue that servicebus.bicep declares.
      CloneDbQueue: 'clone-db'
      EnterMaintenanceQueue: 'enter-maintenance'
      DeploySlotQueue: 'deploy-slot'
      WarmUpQueue: 'warm-up'
      AwaitVerificationQueue: 'await-verification'
      CompleteQueue: 'complete'
      ResetQueue: 'reset'

      StaleMaintenanceSchedule: staleMaintenanceSchedule

      // ArmCloud.forAzure: the subscription of the environments' sites and SQL servers.
      TargetSubscriptionId: targetSubscriptionId
      // ArmCloud.forAzure signs in with a DefaultAzureCredential that names no client id: with only a
      // user-assigned identity on the app, AZURE_CLIENT_ID tells it which identity to use.
      AZURE_CLIENT_ID: identityClientId

      // WebhookNotifier signs every post with this secret (HMAC-SHA256, README "Signed webhooks"). A Key Vault
      // reference, so the secret itself is in no setting and no deployment; empty when no secret URI is given.
      SMOOTHDEPLOY_WEBHOOK_SECRET: empty(webhookSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${webhookSecretUri})'

      // HttpPackageDigest's caps on a package download: its size, and the time it may take in all.
      PackageDownloadMaxMegabytes: '1024'
      PackageDownloadMaxSeconds: '300'

      // RetentionPurge: the timer removes finished deployments and their logs older than this many days (1 or more).
      DeploymentRetentionDays: '90'

      // The Functions host refuses a request body over this many bytes with 413 before the function runs
      // (azure-functions-host#7204 added the setting; its default is about 100 MB). The same limit as the API's
      // own check, HttpApi.MAX_BODY_BYTES (256 KiB), so a huge body never reaches the worker's memory.
      FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '262144'

      // Lets warm-up send the Host header of the names a slot will serve (HttpWarmUpProber).
      JAVA_OPTS: '-Djdk.httpclient.allowRestrictedHeaders=host'

      // Telemetry: the connection string (endpoint and component id, not a secret) and, because the
      // component has local authentication disabled, Microsoft Entra ingestion with the app identity.
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    }
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
