// The function app identity's roles on the resources of its own resource group, each on the narrowest scope
// that the code or the host can use. Each assignment names the code path that needs it. Built-in role definition ids:
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles

param principalId string
param serviceBusNamespaceName string
param stepQueueNames array
param storageAccountName string
param applicationInsightsName string

@description('Also grant Azure Service Bus Data Owner on each step queue (not on the namespace), so that the platform scale controller can read queue lengths with the app identity. See the comment below.')
param grantQueueDataOwnerForScaling bool = true

var roles = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource stepQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [for queueName in stepQueueNames: {
  parent: namespace
  name: queueName
}]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Azure Service Bus Data Sender on each step queue, not on the namespace: ServiceBusStepQueue (messaging)
// sends and schedules every step message (the HTTP API's start/complete/reset, each step's next message, the
// check-again messages, the stale-maintenance timer's Resume) on the queue its step's setting names, and
// these seven queues are all it sends to. On the namespace it could send to any entity created there later.
resource serviceBusSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, length(stepQueueNames)): {
  name: guid(stepQueues[i].id, principalId, roles.serviceBusDataSender)
  scope: stepQueues[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

// Azure Service Bus Data Receiver on each step queue: the Functions host receives, renews locks on and
// completes messages for the step triggers (StepFunctions) and the dead-letter triggers (DeadLetterFunctions,
// on each queue's /$DeadLetterQueue, a sub-queue that the queue's scope covers) through the
// ServiceBusConnection connection. A role can be scoped to a queue:
// https://learn.microsoft.com/azure/service-bus-messaging/service-bus-managed-service-identity (resource scope).
resource serviceBusReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, length(stepQueueNames)): {
  name: guid(stepQueues[i].id, principalId, roles.serviceBusDataReceiver)
  scope: stepQueues[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

// Azure Service Bus Data Owner, scoped to each step queue: not used by our code. The Flex Consumption
// scale controller decides, with the app's identity, whether to wake the app from zero and how far to
// scale it from the queues' message counts, and reading a queue's runtime properties needs the Manage
// right, which only Data Owner grants (Microsoft's table of roles for identity-based Service Bus
// triggers lists Receiver and Owner). Scoped to the seven queues, it cannot create or delete other
// entities in the namespace. Set grantQueueDataOwnerForScaling=false to keep to Sender + Receiver and
// accept less accurate scaling.
resource serviceBusQueueOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, length(stepQueueNames)): if (grantQueueDataOwnerForScaling) {
  name: guid(stepQueues[i].id, principalId, roles.serviceBusDataOwner)
  scope: stepQueues[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

// Storage Blob Data Owner on the storage account, the role Learn gives for identity-based host storage
// ("Connecting to host storage with an identity",
// https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity:
// the host reads and writes blobs and creates its containers): the Functions host with identity-based
// AzureWebJobsStorage (blob leases for the StaleMaintenanceTimer's singleton lock and the timer's schedule
// monitor, the host's keys) and the Flex Consumption deployment container (the platform reads the package
// with this identity, https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to). It is scoped
// to this account, which holds nothing but host storage, the package and the state tables; the packages that
// pipelines deploy live in another account (the pipeline identity's, not this one). Storage Queue Data
// Contributor is not granted: the host only uses queues in host storage for blob and queue triggers, and this
// app has none.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Table Data Contributor on the storage account: TableDeploymentStore (state) creates the state
// and index tables if they do not exist and reads and writes every environment, deployment, web-app,
// idempotency-key and log row (StateTableConnection__tableServiceUri). Not narrowed to the two tables: creating
// a table is an operation on the account's table service (Create Table, POST /Tables), and the host writes its
// diagnostic events to tables it names by month in AzureWebJobsStorage, this same account
// (https://learn.microsoft.com/azure/azure-functions/errors-diagnostics/diagnostic-events/azfd0003). Both run
// as this one identity, so table-scoped assignments beside an account-scoped one would narrow nothing.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Monitoring Metrics Publisher on Application Insights: the host sends telemetry with the identity
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), since the component refuses instrumentation-key ingestion.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
