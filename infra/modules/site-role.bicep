// The sites role (arm-roles.bicep) on one App Service site. A role assigned on a site covers its slots
// (child resources), which is where ArmCloud creates, configures and swaps the staging and maintenance slots.
targetScope = 'resourceGroup'

param siteName string
param principalId string
param roleDefinitionId string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(site.id, principalId, roleDefinitionId)
  scope: site
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
