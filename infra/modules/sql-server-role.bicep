// The SQL role (arm-roles.bicep) on one Azure SQL logical server: its databases (P, the clone T, a restored
// P) are child resources. ArmCloud copies and restores within one server, so the server is the scope.
targetScope = 'resourceGroup'

param serverName string
param principalId string
param roleDefinitionId string

resource server 'Microsoft.Sql/servers@2021-11-01' existing = {
  name: serverName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(server.id, principalId, roleDefinitionId)
  scope: server
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
