package io.smoothdeploy.testing;

import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.SimulatedCloud;
import java.time.Clock;
import java.util.Map;

/**
 * The simulated subscription the local-host tests share: a CMS site, a commerce site and a scheduler app on
 * one SQL database, and a local host started on it with fresh tables on the shared Azurite.
 */
public final class SampleCloud {

    public static final String GROUP = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/cms-rg";
    public static final String CMS = GROUP + "/providers/Microsoft.Web/sites/cms-prod";
    public static final String SCHEDULER = GROUP + "/providers/Microsoft.Web/sites/scheduler-prod";
    public static final String COMMERCE = GROUP + "/providers/Microsoft.Web/sites/commerce-prod";
    public static final String SQL_SERVER = GROUP + "/providers/Microsoft.Sql/servers/cms-sql";
    public static final String OLD_PACKAGE = "https://packages.example.com/cms-1.0.zip?sv=2024&sig=OLDSECRET";
    public static final String SCHEDULER_PACKAGE = "https://packages.example.com/scheduler-1.0.zip";
    public static final String CONNECTION = "Server=tcp:cms-sql.database.windows.net,1433;Initial Catalog=cmsdb;"
            + "Authentication=Active Directory Default";

    /** The CMS site's custom domain, which the local-host registrations list in {@code warmUp.hostNames}. */
    public static final String CUSTOM_DOMAIN = "www.example.com";

    private SampleCloud() {
    }

    /** Adds the sample's sites and database to {@code cloud}. */
    public static void seed(SimulatedCloud cloud) {
        cloud.addSite(CMS, OLD_PACKAGE, Map.of("EPiServerDB", CONNECTION));
        cloud.addSite(SCHEDULER, SCHEDULER_PACKAGE, Map.of("EPiServerDB", CONNECTION));
        cloud.addSite(COMMERCE, OLD_PACKAGE, Map.of("EPiServerDB", CONNECTION));
        cloud.addDatabase(new DatabaseRef(SQL_SERVER, "cmsdb"));
        // the custom domain the sample registrations name for the CMS, bound to its production slot as on Azure
        cloud.bindCustomDomain(CMS, CUSTOM_DOMAIN);
    }

    /**
     * Starts a local host on {@code cloud} with fresh state tables; {@code settings} (the queue settings) gets
     * the table names.
     */
    public static LocalStack startLocalHost(SimulatedCloud cloud, Clock clock, Map<String, String> settings) {
        return startLocalHost(cloud, clock, settings, LocalStack.Faults.NONE);
    }

    /** The same, with the engine's store and queue wrapped by {@code faults}. */
    public static LocalStack startLocalHost(SimulatedCloud cloud, Clock clock, Map<String, String> settings,
                                            LocalStack.Faults faults) {
        settings.put("StateTableName", TestAzurite.uniqueTableName("state"));
        settings.put("DeploymentIndexTableName", TestAzurite.uniqueTableName("index"));
        return LocalStack.start(TestAzurite.serviceClient(), settings, LocalStack.Cloud.simulated(cloud), clock,
                Pacing.DEFAULT, 0, faults);
    }
}
