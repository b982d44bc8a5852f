package io.smoothdeploy.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A registered environment: the web apps deployed together, the database they share, and how the
 * deployment talks to them.
 *
 * @param name                      environment name, lower-case letters, digits and dashes
 * @param webApps                   at least one web app; names unique within the environment
 * @param database                  the production database P that the main sites use
 * @param connectionStringName      the connection string (on every main site) that points at the database
 * @param databaseModeSetting       the app setting that tells the application ReadOnly or ReadWrite
 * @param maintenancePagePackageUri package that serves the maintenance page; needed by maintenance-page apps
 * @param warmUpTimeout             how long warm-up may keep trying before the deployment fails
 * @param staleness                 when the stale-maintenance timer reports this environment, and what it does
 * @param verification              smoke checks, what their results lead to, and the verification limit
 * @param webhookUrl                where every status change and stale-maintenance finding is posted, or null
 * @param transientRetryLimit       how many times in a row a step retries a transient cloud failure (throttling,
 *                                  5xx, a credential that could not be fetched) before the deployment fails
 * @param allowedHosts              the only hosts the webhook and the package may be on (exact names, or
 *                                  {@code *.example.com} for its subdomains); empty: any public host
 * @param approvers                 who may complete or reset its deployments and accept data loss: Entra object
 *                                  ids of users or groups (an Approver must also be named here, directly or by a
 *                                  group); empty for any Approver. Rows stored before it existed read as empty
 * @param rollbackWindow            how long after going live the previous code waits warm in each web app's
 *                                  maintenance slot, on the production database, to be swapped back by a rollback
 *                                  ({@link RollbackWindow}); zero for none (Complete then stops the slot at once, as
 *                                  before windows existed). Rows stored before it existed read as the default
 */
public record EnvironmentConfig(
        String name,
        List<WebAppConfig> webApps,
        DatabaseConfig database,
        String connectionStringName,
        String databaseModeSetting,
        String maintenancePagePackageUri,
        Duration warmUpTimeout,
        StalenessPolicy staleness,
        VerificationPolicy verification,
        String webhookUrl,
        Integer transientRetryLimit,
        List<String> allowedHosts,
        List<String> approvers,
        Duration rollbackWindow) {

    /** The rollback window unless the registration says otherwise. */
    public static final Duration DEFAULT_ROLLBACK_WINDOW = Duration.ofMinutes(30);
    /** The longest rollback window a registration may ask for: a day. */
    public static final int MAX_ROLLBACK_WINDOW_MINUTES = 1440;

    public static final Duration DEFAULT_WARM_UP_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_TRANSIENT_RETRY_LIMIT = 5;
    public static final int MAX_TRANSIENT_RETRY_LIMIT = 20;

    public EnvironmentConfig {
        webApps = List.copyOf(webApps);
        if (warmUpTimeout == null) {
            warmUpTimeout = DEFAULT_WARM_UP_TIMEOUT;
        }
        if (staleness == null) {
            staleness = StalenessPolicy.DEFAULT;
        }
        if (verification == null) {
            verification = VerificationPolicy.DEFAULT;
        }
        if (transientRetryLimit == null) {
            transientRetryLimit = DEFAULT_TRANSIENT_RETRY_LIMIT;
        }
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
        if (rollbackWindow == null) {
            rollbackWindow = DEFAULT_ROLLBACK_WINDOW;
        }
    }

    /** An environment with the default rollback window. */
    public EnvironmentConfig(String name, List<WebAppConfig> webApps, DatabaseConfig database,
                             String connectionStringName, String databaseModeSetting,
                             String maintenancePagePackageUri, Duration warmUpTimeout, StalenessPolicy staleness,
                             VerificationPolicy verification, String webhookUrl, Integer transientRetryLimit,
                             List<String> allowedHosts, List<String> approvers) {
        this(name, webApps, database, connectionStringName, databaseModeSetting, maintenancePagePackageUri,
                warmUpTimeout, staleness, verification, webhookUrl, transientRetryLimit, allowedHosts, approvers, null);
    }

    /** True when going live keeps the previous code warm for a rollback. */
    public boolean keepsRollbackWindow() {
        return !rollbackWindow.isZero();
    }

    /**
     * An environment with no allow-list of hosts (any public host), whose deployments any Approver may complete or
     * reset.
     */
    public EnvironmentConfig(String name, List<WebAppConfig> webApps, DatabaseConfig database,
                             String connectionStringName, String databaseModeSetting,
                             String maintenancePagePackageUri, Duration warmUpTimeout, StalenessPolicy staleness,
                             VerificationPolicy verification, String webhookUrl, Integer transientRetryLimit) {
        this(name, webApps, database, connectionStringName, databaseModeSetting, maintenancePagePackageUri,
                warmUpTimeout, staleness, verification, webhookUrl, transientRetryLimit, List.of(), List.of());
    }

    /** An environment with the default staleness and verification policies, no webhook and the default retries. */
    public EnvironmentConfig(String name, List<WebAppConfig> webApps, DatabaseConfig database,
                             String connectionStringName, String databaseModeSetting,
                             String maintenancePagePackageUri, Duration warmUpTimeout) {
        this(name, webApps, database, connectionStringName, databaseModeSetting, maintenancePagePackageUri,
                warmUpTimeout, StalenessPolicy.DEFAULT, VerificationPolicy.DEFAULT, null, null, List.of(), List.of());
    }

    public Optional<WebAppConfig> webApp(String webAppName) {
        return webApps.stream().filter(w -> w.name().equals(webAppName)).findFirst();
    }
}
