package io.smoothdeploy.app;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.core.credential.TokenCredential;
import io.smoothdeploy.api.Authentication;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.cloud.http.HttpPackageDigest;
import io.smoothdeploy.cloud.sql.JdbcDatabaseActivity;
import io.smoothdeploy.warmup.HttpSmokeProber;
import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.messaging.ServiceBusConnections;
import io.smoothdeploy.messaging.ServiceBusStepQueue;
import io.smoothdeploy.notify.WebhookNotifier;
import io.smoothdeploy.state.TableDeploymentStore;
import io.smoothdeploy.warmup.HttpWarmUpProber;
import io.smoothdeploy.outbound.GuardedHttp;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.Map;

/**
 * The object graph in Azure, from the function app's settings: state on Table storage, step queues on
 * Service Bus, the cloud through azure-resourcemanager, warm-up over HTTP, notifications to webhooks.
 * Connections are identity-based ({@code <Connection>__tableServiceUri}, {@code __fullyQualifiedNamespace},
 * optional {@code __clientId} for a user-assigned identity) or, for development, connection strings.
 */
public final class AzureComposition {

    static final String TABLE_CONNECTION = "StateTableConnection";
    static final String SUBSCRIPTION = "TargetSubscriptionId";
    /** The webhook signing secret: a Key Vault reference in infra/ ({@link WebhookNotifier#SECRET_SETTING}). */
    static final String WEBHOOK_SECRET = WebhookNotifier.SECRET_SETTING;
    /** The package download caps (HttpPackageDigest.Limits), defaults when unset. */
    static final String PACKAGE_MAX_MEGABYTES = "PackageDownloadMaxMegabytes";
    static final String PACKAGE_MAX_SECONDS = "PackageDownloadMaxSeconds";
    /** How many days deployments and their logs are kept (RetentionPurge); 90 when unset, 0 or less refused. */
    static final String RETENTION_DAYS = io.smoothdeploy.engine.RetentionPurge.SETTING;

    private AzureComposition() {
    }

    /** @throws IllegalStateException naming the first setting that is missing */
    public static Orchestrator build(Map<String, String> settings) {
        Clock clock = Clock.systemUTC();
        // Checked first: a retention of 0 days would purge every finished deployment at the timer's next tick.
        Duration retention = io.smoothdeploy.engine.RetentionPurge.fromSetting(value(settings, RETENTION_DAYS));
        TableDeploymentStore store = TableDeploymentStore.create(tables(settings),
                settings.getOrDefault("StateTableName", TableDeploymentStore.DEFAULT_STATE_TABLE),
                settings.getOrDefault("DeploymentIndexTableName", TableDeploymentStore.DEFAULT_INDEX_TABLE));
        ServiceBusStepQueue queue = new ServiceBusStepQueue(
                ServiceBusConnections.queueSenders(ServiceBusConnections.DEFAULT_CONNECTION, settings), settings, clock);
        ArmCloud cloud = ArmCloud.forAzure(required(settings, SUBSCRIPTION,
                "the subscription that holds the environments' sites and databases"));
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();
        // Azure's outbound guard: https to public addresses only; loopback is never allowed here.
        GuardedHttp outbound = GuardedHttp.azure();
        WebhookNotifier notifier = new WebhookNotifier(outbound, value(settings, WEBHOOK_SECRET), clock, 3,
                Duration.ofSeconds(2));
        HttpPackageDigest packages = new HttpPackageDigest(outbound, UnaryOperator.identity(),
                HttpPackageDigest.Limits.fromSettings(value(settings, PACKAGE_MAX_MEGABYTES),
                        value(settings, PACKAGE_MAX_SECONDS)));
        Wiring.Ports ports = new Wiring.Ports(store, queue, cloud, cloud, new HttpWarmUpProber(), notifier,
                packages, new HttpSmokeProber(), new JdbcDatabaseActivity(credential));
        String publicApiBase = PublicApiBase.fromSettings(settings);
        return Wiring.orchestrator(ports, outbound, clock, Pacing.DEFAULT, null, Authentication.fromSettings(settings),
                () -> publicApiBase, retention);
    }

    private static TableServiceClient tables(Map<String, String> settings) {
        String connectionString = value(settings, TABLE_CONNECTION);
        if (connectionString != null) {
            try {
                return new TableServiceClientBuilder().connectionString(connectionString).buildClient();
            } catch (RuntimeException e) {
                // The builder's message may quote the connection string: do not chain it.
                throw new IllegalStateException("the setting " + TABLE_CONNECTION
                        + " is not a valid storage connection string (" + e.getClass().getSimpleName() + ")");
            }
        }
        String endpoint = required(settings, TABLE_CONNECTION + "__tableServiceUri",
                "the Table service URI, e.g. https://<account>.table.core.windows.net (or set " + TABLE_CONNECTION
                        + " to a connection string)");
        DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder();
        String clientId = value(settings, TABLE_CONNECTION + "__clientId");
        if (clientId != null) {
            credential.managedIdentityClientId(clientId);
        }
        return new TableServiceClientBuilder().endpoint(endpoint).credential(credential.build()).buildClient();
    }

    private static String required(Map<String, String> settings, String name, String meaning) {
        String value = value(settings, name);
        if (value == null) {
            throw new IllegalStateException("the app setting " + name + " is not set: " + meaning);
        }
        return value;
    }

    private static String value(Map<String, String> settings, String name) {
        String value = settings.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
