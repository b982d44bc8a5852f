// The smooth deploy orchestrator in Azure (azd layout: subscription scope, environmentName + location).
//
//   az deployment sub create --location <region> --template-file infra/main.bicep \
//     --parameters infra/main.parameters.json environmentName=<env> location=<region> \
//                  targetResourceGroups='["<rg-of-sites-and-sql>"]'
//
// Creates a resource group with: a user-assigned identity, a storage account (host storage and state
// tables, no shared keys), a Service Bus namespace with one queue per step, Log Analytics + Application
// Insights, and a Flex Consumption Java 17 function app that uses the identity for everything. Then grants
// the identity Website Contributor and SQL DB Contributor on each resource group in targetResourceGroups.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Name of the environment (azd: AZURE_ENV_NAME); used for the resource group and the resource-name hash.')
param environmentName string

@minLength(1)
@description('Region of all resources. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Names of the resource groups, in this subscription, that hold the environments\' App Service sites and Azure SQL servers. The app identity gets Website Contributor and SQL DB Contributor on each.')
param targetResourceGroups array = []

@description('Name of the function app (empty: func-<hash>). It must be globally unique.')
param appName string = ''

@description('Resource group of the orchestrator (empty: rg-<environmentName>).')
param resourceGroupName string = ''

@description('NCRONTAB schedule of the stale-maintenance timer.')
param staleMaintenanceSchedule string = '0 */5 * * * *'

@description('Grant Azure Service Bus Data Owner on each step queue so the Flex scale controller can read queue lengths (see modules/roles.bicep).')
param grantQueueDataOwnerForScaling bool = true

@description('Always-ready instances for the HTTP API (0: scale to zero).')
param alwaysReadyHttpInstances int = 0

@description('Key Vault secret URI of the webhook signing secret (see README, Signed webhooks); empty: no webhook is posted.')
param webhookSecretUri string = ''

var tags = {
  'azd-env-name': environmentName
  application: 'smooth-deploy-orchestrator'
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var functionAppName = !empty(appName) ? appName : 'func-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: 'sb-${resourceToken}'
    location: location
    tags: tags
  }
}

// Roles first: the app's first start already needs its storage, queue and telemetry access.
module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    serviceBusNamespaceName: serviceBus.outputs.name
    stepQueueNames: serviceBus.outputs.queueNames
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    grantQueueDataOwnerForScaling: grantQueueDataOwnerForScaling
  }
}

// Website Contributor and SQL DB Contributor on each target resource group (ArmCloud).
module targetRoles 'modules/target-roles.bicep' = [for targetResourceGroup in targetResourceGroups: {
  name: 'target-roles-${uniqueString(targetResourceGroup)}'
  scope: resourceGroup(targetResourceGroup)
  params: {
    principalId: identity.outputs.principalId
  }
}]

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  dependsOn: [
    roles
  ]
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: union(tags, {
      'azd-service-name': 'orchestrator'
    })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    targetSubscriptionId: subscription().subscriptionId
    staleMaintenanceSchedule: staleMaintenanceSchedule
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    webhookSecretUri: webhookSecretUri
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_DEFAULT_HOST_NAME string = functionApp.outputs.defaultHostName
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.name
output SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
