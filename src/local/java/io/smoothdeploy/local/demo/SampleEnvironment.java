package io.smoothdeploy.local.demo;

import io.smoothdeploy.local.emulator.AzureEmulator;
import io.smoothdeploy.local.emulator.SamplePackage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A sample subscription in the local Azure emulator, as it would be before any deployment: a CMS site and a
 * scheduler app running their 1.0.0 packages on one SQL database, and the packages a deployment can use:
 * {@code cms-2.0.0.zip} (a 3 s cold start), {@code scheduler-1.0.0.zip} and {@code maintenance.zip}. The
 * application packages answer {@code /} and {@code /health}.
 *
 * @param cmsSite       the CMS site's resource id
 * @param schedulerSite the scheduler app's resource id
 * @param sqlServer     the SQL server's resource id (database {@code cms})
 */
public record SampleEnvironment(String cmsSite, String schedulerSite, String sqlServer) {

    public static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    /** Packages are named by URI; the emulator serves any URI by its last path segment. */
    public static final String PACKAGES = "https://packages.example.com/";
    /** The CMS site's custom domain (bound to its production slot). */
    public static final String CMS_DOMAIN = "www.example.com";
    /** The CMS site's slot-specific ("sticky") app setting: production has {@code Production}, new slots none. */
    public static final String STICKY_SETTING = "ASPNETCORE_ENVIRONMENT";

    /** Writes the packages into {@code packages} and creates the resources, named {@code <prefix>-cms} and so on. */
    public static SampleEnvironment create(AzureEmulator emulator, Path packages, String prefix) throws IOException {
        SamplePackage.of("cms", "1.0.0").page("/health", 200, "healthy").writeTo(packages.resolve("cms-1.0.0.zip"));
        SamplePackage.of("cms", "2.0.0").coldStartSeconds(3).page("/health", 200, "healthy")
                .writeTo(packages.resolve("cms-2.0.0.zip"));
        SamplePackage.of("scheduler", "1.0.0").page("/health", 200, "healthy")
                .writeTo(packages.resolve("scheduler-1.0.0.zip"));
        SamplePackage.of("maintenance", "1.0.0").page("/", 200, "Down for maintenance")
                .writeTo(packages.resolve("maintenance.zip"));
        emulator.servePackagesFrom(packages);
        String group = prefix + "-rg";
        String connection = "Server=tcp:" + prefix + "-sql.database.windows.net,1433;Initial Catalog=cms;"
                + "Authentication=Active Directory Default";
        String sql = emulator.addSqlServer(SUBSCRIPTION, group, prefix + "-sql", "westeurope");
        var production = emulator.addDatabase(sql, "cms");
        // the sample's production database has been in use (and backed up) for a week: a rollback can reach any
        // point of the demo (a database added just now would be restorable only after its first backup)
        production.setEarliestRestoreDate(production.createdAt().minus(java.time.Duration.ofDays(7)));
        production.insert("{\"page\":\"home\"}");
        String cms = emulator.addSite(SUBSCRIPTION, group, prefix + "-cms", "westeurope",
                Map.of("WEBSITE_RUN_FROM_PACKAGE", PACKAGES + "cms-1.0.0.zip", "Cms__DatabaseMode", "ReadWrite",
                        STICKY_SETTING, "Production"),
                Map.of("EPiServerDB", connection));
        // A slot setting, as most sites have one (an environment name, an instrumentation role): it stays with
        // production, so each swap first applies it to the incoming slot and restarts that slot
        // (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Swap operation steps").
        emulator.setSlotSettingNames(cms, java.util.Set.of(STICKY_SETTING), java.util.Set.of());
        String scheduler = emulator.addSite(SUBSCRIPTION, group, prefix + "-scheduler", "westeurope",
                Map.of("WEBSITE_RUN_FROM_PACKAGE", PACKAGES + "scheduler-1.0.0.zip"), Map.of("EPiServerDB", connection));
        // the CMS site's custom domain, bound to production as on Azure: the registrations (this sample's, and the
        // README's for the local host) list it in warmUp.hostNames, and it reaches the content production runs
        emulator.bindCustomDomain(cms, CMS_DOMAIN);
        return new SampleEnvironment(cms, scheduler, sql);
    }

    /** The registration body for this sample: the CMS site zero-downtime, the scheduler on a maintenance page. */
    public String registration() {
        return "{\"webApps\":["
                + "{\"name\":\"cms\",\"resourceId\":\"" + cmsSite + "\",\"role\":\"ZeroDowntime\","
                + "\"warmUp\":{\"hostNames\":[\"" + CMS_DOMAIN + "\"],\"paths\":[\"/\"]}},"
                + "{\"name\":\"scheduler\",\"resourceId\":\"" + schedulerSite + "\",\"role\":\"MaintenancePage\"}],"
                + "\"database\":{\"serverResourceId\":\"" + sqlServer + "\",\"name\":\"cms\"},"
                + "\"connectionStringName\":\"EPiServerDB\",\"databaseModeSetting\":\"Cms__DatabaseMode\","
                + "\"maintenancePagePackageUri\":\"" + PACKAGES + "maintenance.zip\",\"warmUpTimeoutSeconds\":120}";
    }
}
