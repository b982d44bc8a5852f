// One storage account for the Functions host (AzureWebJobsStorage: blob leases for the timer's singleton
// lock, host keys, the Flex Consumption deployment package) and for the orchestrator's state tables
// (StateTableName, DeploymentIndexTableName; TableDeploymentStore creates them if they do not exist).
//
// allowSharedKeyAccess is false: no account key can be used at all. The Flex Consumption plan allows it,
// because it needs no Azure Files content share (the Elastic Premium and Consumption plans mount one, and
// Azure Files for a function app's content only authenticates with the account key); its host storage
// and its deployment container are reached with the managed identity.

param name string
param location string
param tags object = {}
@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
