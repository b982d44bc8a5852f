// The sites role (arm-roles.bicep) on one App Service plan: there only Microsoft.Web/serverfarms/Join/Action
// takes effect (a plan holds no sites as child resources), which ArmCloud.ensureSlot needs to create a slot
// in production's plan.
targetScope = 'resourceGroup'

param planName string
param principalId string
param roleDefinitionId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' existing = {
  name: planName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(plan.id, principalId, roleDefinitionId)
  scope: plan
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
