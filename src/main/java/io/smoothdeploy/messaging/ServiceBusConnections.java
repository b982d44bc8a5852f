package io.smoothdeploy.messaging;

import io.smoothdeploy.engine.port.StepQueueException;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import java.util.Map;

/**
 * Builds Service Bus clients from a named connection, the way Azure Functions resolves a trigger's
 * {@code connection}: the setting {@code <name>} holds a connection string, or (identity-based) the setting
 * {@code <name>__fullyQualifiedNamespace} names the namespace and {@code DefaultAzureCredential} signs in,
 * with the optional {@code <name>__clientId} picking a user-assigned managed identity.
 */
public final class ServiceBusConnections {

    /** The connection the step queue triggers use. */
    public static final String DEFAULT_CONNECTION = "ServiceBusConnection";

    static final String NAMESPACE_SUFFIX = "__fullyQualifiedNamespace";
    static final String CLIENT_ID_SUFFIX = "__clientId";

    private ServiceBusConnections() {
    }

    /**
     * A builder for the connection {@code connectionName}.
     *
     * @throws IllegalStateException when neither setting is present
     * @throws StepQueueException    when the connection string is malformed (its secret is not quoted)
     */
    public static ServiceBusClientBuilder clientBuilder(String connectionName, Map<String, String> settings) {
        String connectionString = value(settings, connectionName);
        if (connectionString != null) {
            try {
                return new ServiceBusClientBuilder().connectionString(connectionString);
            } catch (RuntimeException e) {
                throw new StepQueueException("the setting " + connectionName
                        + " is not a valid Service Bus connection string", e);
            }
        }
        String namespace = value(settings, connectionName + NAMESPACE_SUFFIX);
        if (namespace != null) {
            DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder();
            String clientId = value(settings, connectionName + CLIENT_ID_SUFFIX);
            if (clientId != null) {
                credential.managedIdentityClientId(clientId);
            }
            return new ServiceBusClientBuilder().fullyQualifiedNamespace(namespace).credential(credential.build());
        }
        throw new IllegalStateException("no Service Bus connection " + connectionName + ": set " + connectionName
                + " (a connection string) or " + connectionName + NAMESPACE_SUFFIX
                + " (e.g. <namespace>.servicebus.windows.net, with an identity allowed to send)");
    }

    /** Lazily built, cached senders for the connection {@code connectionName}. */
    public static ServiceBusQueueSenders queueSenders(String connectionName, Map<String, String> settings) {
        return new ServiceBusQueueSenders(clientBuilder(connectionName, settings));
    }

    private static String value(Map<String, String> settings, String name) {
        String value = settings.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
