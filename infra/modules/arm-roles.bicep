// The custom roles of the function app's identity on the environments' App Service sites and Azure SQL
// servers: only the ARM actions ArmCloud (src/main/java/io/smoothdeploy/cloud/arm/ArmCloud.java) performs,
// instead of Website Contributor and SQL DB Contributor on whole resource groups (which manage every site and
// every database in the group, deletes included). Each action names the ArmCloud
// method and the azure-resourcemanager call that needs it; the action names are those of the provider
// operations list, https://learn.microsoft.com/azure/role-based-access-control/resource-provider-operations
// (Microsoft.Web, Microsoft.Sql). InfraConsistencyTest fails on an action that is not in its cited list.
//
// Defined at subscription scope (a role definition's assignableScopes), assigned per resource by
// site-role.bicep, plan-role.bicep and sql-server-role.bicep. Nothing is assigned at subscription scope: a
// database delete is asked for and not polled (ArmCloud.deleteDatabase; the engine reads the database until it
// is gone), so no operation-status URL under the subscription is read.
targetScope = 'subscription'

@description('Token that makes the role names unique in the tenant (main.bicep\'s resourceToken).')
param resourceToken string

param principalId string

resource sitesRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'smoothdeploy-sites', resourceToken)
  properties: {
    roleName: 'Smooth deploy orchestrator: sites (${resourceToken})'
    description: 'What the smooth deploy orchestrator does on the App Service sites it is assigned to: slots, slot settings, swaps, start/stop/restart.'
    type: 'customRole'
    assignableScopes: [
      subscription().id
    ]
    permissions: [
      {
        actions: [
          // getSlot/ensureSlot/readSite: WebAppsClient.getByResourceGroup (GET sites/{name})
          'Microsoft.Web/sites/Read'
          // slotSettingNames: listSlotConfigurationNames (GET config/slotConfigNames); ensureSlot:
          // getConfiguration (GET config/web, production's site configuration for a new slot)
          'Microsoft.Web/sites/config/Read'
          // applyConfiguration/deployPackage on production: updateApplicationSettings, updateConnectionStrings
          'Microsoft.Web/sites/config/Write'
          // getSlot/ensureSlot/applyConfiguration on production: listApplicationSettings,
          // listConnectionStrings (POST config/appsettings/list, config/connectionstrings/list). The same
          // action also lists publishing credentials; no narrower action exists (README, Security)
          'Microsoft.Web/sites/config/list/Action'
          // startSlot, stopSlot, deployPackage (an unchanged package URL), awaitCurrentInstance on production: start, stop, restart
          'Microsoft.Web/sites/start/Action'
          'Microsoft.Web/sites/stop/Action'
          'Microsoft.Web/sites/restart/Action'
          // findSlot/getSlot: getSlot (GET sites/{name}/slots/{slot})
          'Microsoft.Web/sites/slots/Read'
          // ensureSlot: beginCreateOrUpdateSlot (PUT sites/{name}/slots/{slot}, production's plan and config)
          'Microsoft.Web/sites/slots/Write'
          // ensureSlot's wait: the slot creation's long-running operation is polled under the slot
          'Microsoft.Web/sites/slots/operationresults/Read'
          'Microsoft.Web/sites/operationresults/Read'
          // applyConfiguration/deployPackage on a slot: updateApplicationSettingsSlot, updateConnectionStringsSlot
          'Microsoft.Web/sites/slots/config/Write'
          // getSlot/applyConfiguration on a slot: listApplicationSettingsSlot, listConnectionStringsSlot
          'Microsoft.Web/sites/slots/config/list/Action'
          // startSlot, stopSlot, deployPackage, awaitCurrentInstance (soft synchronous restart) on a slot: startSlot, stopSlot, restartSlot
          'Microsoft.Web/sites/slots/start/Action'
          'Microsoft.Web/sites/slots/stop/Action'
          'Microsoft.Web/sites/slots/restart/Action'
          // beginSwapWithProduction: beginSwapSlot (POST slots/{slot}/slotsswap)
          'Microsoft.Web/sites/slots/slotsswap/Action'
          // applyProductionConfiguration: applySlotConfigurationSlot (POST slots/{slot}/applySlotConfig)
          'Microsoft.Web/sites/slots/applySlotConfig/Action'
          // resetConfiguration: resetSlotConfigurationSlot (POST slots/{slot}/resetSlotConfig)
          'Microsoft.Web/sites/slots/resetSlotConfig/Action'
          // ensureSlot: a new slot joins production's App Service plan (serverFarmId in the PUT); this
          // action only takes effect where the role is assigned on the plan (plan-role.bicep)
          'Microsoft.Web/serverfarms/Join/Action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

resource sqlRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'smoothdeploy-sql', resourceToken)
  properties: {
    roleName: 'Smooth deploy orchestrator: SQL databases (${resourceToken})'
    description: 'What the smooth deploy orchestrator does on the Azure SQL servers it is assigned to: read, copy, restore, rename and delete databases. Not the servers, their firewall or administrators.'
    type: 'customRole'
    assignableScopes: [
      subscription().id
    ]
    permissions: [
      {
        actions: [
          // getDatabase and beginCreate (reads P's SKU, pool and location): DatabasesClient.get
          'Microsoft.Sql/servers/databases/read'
          // beginCopy (createMode Copy) and beginPointInTimeRestore (createMode PointInTimeRestore):
          // DatabasesClient.beginCreateOrUpdate (PUT servers/{server}/databases/{name}); Learn's database
          // copy page names databases/read and databases/write for a custom role that copies
          'Microsoft.Sql/servers/databases/write'
          // deleteDatabase: DatabasesClient.beginDelete (dropping T, and the old P after a restore)
          'Microsoft.Sql/servers/databases/delete'
          // rename: DatabasesClient.rename (POST databases/{name}/move)
          'Microsoft.Sql/servers/databases/move/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

output sitesRoleId string = sitesRole.id
output sqlRoleId string = sqlRole.id
