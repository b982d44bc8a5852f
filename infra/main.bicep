// The smooth deploy orchestrator in Azure (azd layout: subscription scope, environmentName + location).
//
//   az deployment sub create --location <region> --template-file infra/main.bicep \
//     --parameters infra/main.parameters.json environmentName=<env> location=<region> \
//                  apiClientId=<app registration client id> apiAudience=api://<client id> \
//                  targetSiteResourceIds='["<site id>"]' targetPlanResourceIds='["<plan id>"]' \
//                  targetSqlServerResourceIds='["<server id>"]'
//
// Creates a resource group with: a user-assigned identity, a storage account (host storage and state
// tables, no shared keys), a Service Bus namespace with one queue per step, Log Analytics + Application
// Insights, and a Flex Consumption Java 17 function app that uses the identity for everything, behind App
// Service authentication (Entra ID, modules/auth.bicep). Then grants the identity custom roles holding only
// the actions ArmCloud performs (modules/arm-roles.bicep), on each listed site, plan and SQL server.
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

@description('Resource ids of the App Service sites (production site, not slots) that environments register, in this subscription. The app identity gets the sites role on each (slots included).')
param targetSiteResourceIds array = []

@description('Resource ids of the App Service plans of those sites: the sites role there lets a new slot join its site\'s plan.')
param targetPlanResourceIds array = []

@description('Resource ids of the Azure SQL logical servers that hold the environments\' databases, in this subscription. The app identity gets the SQL role on each.')
param targetSqlServerResourceIds array = []

@description('Application (client) id of the orchestrator API\'s app registration (infra/auth/app-registration.json; README, Security).')
param apiClientId string

@description('The API\'s Application ID URI, the audience pipelines ask tokens for (empty: api://<apiClientId>).')
param apiAudience string = ''

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

// ArmCloud's custom roles, each on the resources listed (a resource id is
// /subscriptions/{sub}/resourceGroups/{rg}/providers/{type}/{name}: segment 2 the subscription, 4 the group,
// 8 the name). A site registered later that is not listed gets 403 from ARM (a permanent failure naming the
// action): add it to the list and deploy again, or assign the role by hand (README, Security).
module armRoles 'modules/arm-roles.bicep' = {
  name: 'arm-roles'
  params: {
    resourceToken: resourceToken
    principalId: identity.outputs.principalId
  }
}

module siteRoles 'modules/site-role.bicep' = [for siteId in targetSiteResourceIds: {
  name: 'site-role-${uniqueString(siteId)}'
  scope: resourceGroup(split(siteId, '/')[2], split(siteId, '/')[4])
  params: {
    siteName: split(siteId, '/')[8]
    principalId: identity.outputs.principalId
    roleDefinitionId: armRoles.outputs.sitesRoleId
  }
}]

module planRoles 'modules/plan-role.bicep' = [for planId in targetPlanResourceIds: {
  name: 'plan-role-${uniqueString(planId)}'
  scope: resourceGroup(split(planId, '/')[2], split(planId, '/')[4])
  params: {
    planName: split(planId, '/')[8]
    principalId: identity.outputs.principalId
    roleDefinitionId: armRoles.outputs.sitesRoleId
  }
}]

module sqlServerRoles 'modules/sql-server-role.bicep' = [for serverId in targetSqlServerResourceIds: {
  name: 'sql-server-role-${uniqueString(serverId)}'
  scope: resourceGroup(split(serverId, '/')[2], split(serverId, '/')[4])
  params: {
    serverName: split(serverId, '/')[8]
    principalId: identity.outputs.principalId
    roleDefinitionId: armRoles.outputs.sqlRoleId
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

// App Service authentication in front of the API (kept out of functionapp.bicep's settings block).
module auth 'modules/auth.bicep' = {
  name: 'auth'
  scope: rg
  params: {
    functionAppName: functionApp.outputs.name
    apiClientId: apiClientId
    apiAudience: !empty(apiAudience) ? apiAudience : 'api://${apiClientId}'
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
output SMOOTHDEPLOY_AUDIENCE string = !empty(apiAudience) ? apiAudience : 'api://${apiClientId}'
