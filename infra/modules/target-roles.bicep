// Deployed once per target resource group (main.bicep's targetResourceGroups), at resource-group scope:
// the roles ArmCloud (cloud.arm) needs, signed in as the function app's identity (DefaultAzureCredential
// with AZURE_CLIENT_ID), on the environments' App Service sites and Azure SQL servers in that group.
targetScope = 'resourceGroup'

param principalId string

var roles = {
  websiteContributor: 'de139f84-1756-47ae-9be6-808fbbe84772'
  sqlDbContributor: '9b7fa17d-e63e-47b0-bb0a-15c516ac86ec'
}

// Website Contributor: ArmCloud as AppServiceCloud reads sites and slots, creates the staging and
// maintenance slots (joining the site's App Service plan), writes slot app settings and connection
// strings (the SMOOTHDEPLOY_CONTENT marker, the database mode, the connection string pointed at T or P),
// deploys packages to slots, starts and stops slots and swaps them. It grants no access to the plans
// themselves beyond join, nor to role assignments.
resource websiteContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roles.websiteContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.websiteContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// SQL DB Contributor: ArmCloud as SqlCloud reads databases, starts the copy P -> T (clone DB), the
// point-in-time restore of P (Reset with rollbackDatabase), renames databases and deletes T. It manages
// databases only: not the servers, their firewall, their administrators or security policies.
resource sqlDbContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roles.sqlDbContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.sqlDbContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
