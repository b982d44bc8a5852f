// The one identity the function app uses for everything: host storage, the state tables, Service Bus,
// Application Insights ingestion and the ARM calls on the target sites and SQL servers. A user-assigned
// identity (rather than the app's system-assigned one) exists before the app does, so every role
// assignment can be made, and has propagated, before the first function runs.

param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
