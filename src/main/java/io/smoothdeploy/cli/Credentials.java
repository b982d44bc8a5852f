package io.smoothdeploy.cli;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ChainedTokenCredentialBuilder;
import com.azure.identity.ClientAssertionCredentialBuilder;
import com.azure.identity.CredentialUnavailableException;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The sign-ins the CLI tries for a token, in this order, each from azure-identity: the environment's service
 * principal ({@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID} with {@code AZURE_CLIENT_SECRET} or
 * {@code AZURE_CLIENT_CERTIFICATE_PATH}), a workload identity ({@code AZURE_FEDERATED_TOKEN_FILE} with the client
 * and tenant ids), a GitHub Actions job's own ID token ({@link GitHubIdToken}, with the client and tenant ids: unlike
 * an az session signed in with a GitHub ID token, it renews for as long as the job runs), the Azure CLI's session ({@code az login}: a person, or a pipeline's OIDC sign-in, which is what
 * the pipeline templates do), and a managed identity. The first that is set up gives the token
 * (https://learn.microsoft.com/azure/developer/java/sdk/authentication/credential-chains).
 *
 * <p>Unlike DefaultAzureCredential, the Azure CLI comes before the managed identity: on a self-hosted agent that runs
 * on an Azure VM, the pipeline's own sign-in wins over the VM's identity. And the managed identity is tried only where
 * one is announced ({@code IDENTITY_ENDPOINT} or {@code MSI_ENDPOINT}: App Service, Functions, Container Apps, Arc,
 * Cloud Shell) or asked for with {@value #ENV_MANAGED_IDENTITY} ({@code system}, or a user-assigned identity's client
 * id, on an Azure VM): elsewhere its probe of the instance metadata endpoint only delays the "no sign-in" message.
 */
final class Credentials {

    static final String ENV_MANAGED_IDENTITY = "SMOOTHDEPLOY_MANAGED_IDENTITY";
    private static final int MAX_REASON = 600;
    /** azure-identity's pointer to its troubleshooting pages, repeated after every credential's reason. */
    private static final Pattern TROUBLESHOOTING = Pattern.compile(
            "\\s*To (further )?mitigate this issue, please refer to the troubleshooting\\s+guidelines here at"
                    + " https?://\\S+?(?=To |\\s|$)");
    /** Held, so that the levels set on them stay (java.util.logging keeps its loggers weakly). */
    private static final List<Logger> QUIETED = List.of(Logger.getLogger("com.azure"),
            Logger.getLogger("com.microsoft.aad"));

    private Credentials() {
    }

    /** The chain for this environment. */
    static TokenCredential chain(Map<String, String> env) {
        quietSdkLogs(env);
        ChainedTokenCredentialBuilder chain = new ChainedTokenCredentialBuilder()
                .addLast(new EnvironmentCredentialBuilder().build());
        String tokenFile = blankToNull(env.get("AZURE_FEDERATED_TOKEN_FILE"));
        String clientId = blankToNull(env.get("AZURE_CLIENT_ID"));
        String tenantId = blankToNull(env.get("AZURE_TENANT_ID"));
        if (tokenFile != null && clientId != null && tenantId != null) {
            chain.addLast(new WorkloadIdentityCredentialBuilder().clientId(clientId).tenantId(tenantId)
                    .tokenFilePath(tokenFile).build());
        }
        GitHubIdToken github = GitHubIdToken.of(env);
        if (github != null && clientId != null && tenantId != null) {
            chain.addLast(new ClientAssertionCredentialBuilder().clientId(clientId).tenantId(tenantId)
                    .clientAssertion(github).build());
        }
        chain.addLast(new AzureCliCredentialBuilder().build());
        String managed = blankToNull(env.get(ENV_MANAGED_IDENTITY));
        if (managed != null || blankToNull(env.get("IDENTITY_ENDPOINT")) != null
                || blankToNull(env.get("MSI_ENDPOINT")) != null) {
            ManagedIdentityCredentialBuilder identity = new ManagedIdentityCredentialBuilder();
            if (managed != null && !managed.toLowerCase(Locale.ROOT).equals("system")) {
                identity.clientId(managed);
            }
            chain.addLast(identity.build());
        }
        return chain.build();
    }

    /** The message when the first token could not be had. */
    static String noToken(String audience, RuntimeException e) {
        if (e instanceof CredentialUnavailableException) {
            return "no Azure sign-in was found to get a token for " + audience + ": run az login (a person; a pipeline"
                    + " signs in with OIDC), or set AZURE_CLIENT_ID and AZURE_TENANT_ID with AZURE_FEDERATED_TOKEN_FILE"
                    + " (a workload identity), in a GitHub Actions job with id-token: write, or with"
                    + " AZURE_CLIENT_SECRET (a service principal), or " + ENV_MANAGED_IDENTITY
                    + "=system on an Azure machine with a managed identity; or give a ready token in "
                    + DeployCli.ENV_TOKEN + " (what was tried: " + reason(e) + ")";
        }
        return "the sign-in could not get a token for " + audience + ": " + reason(e) + " (is "
                + DeployCli.ENV_AUDIENCE + " the API's Application ID URI, and does the signed-in identity's tenant"
                + " hold the API's app registration?)";
    }

    /** The message when the token expired and could not be renewed. */
    static String expired(RuntimeException e) {
        return "the access token expired and could not be renewed: " + reason(e) + " (a pipeline's az login"
                + " --federated-token session cannot renew once its ID token has expired, after about 10 minutes to an"
                + " hour: sign in again before a long wait, or run the wait in a step of its own after a fresh"
                + " sign-in)";
    }

    /**
     * The SDK's own log lines stay off the CLI's output (each unavailable sign-in is logged as an error, though the
     * next one may work): what the CLI prints says what went wrong. {@code AZURE_LOG_LEVEL} set leaves them on,
     * for a person who wants to see every attempt.
     */
    private static void quietSdkLogs(Map<String, String> env) {
        if (blankToNull(env.get("AZURE_LOG_LEVEL")) != null) {
            return;
        }
        // Where a java.util.logging binding is on the class path (the tests, an IDE).
        QUIETED.forEach(logger -> logger.setLevel(Level.OFF));
        // In the CLI jar SLF4J has no binding: it then says so on standard error when it starts, and the SDK logs
        // through its own logger (AZURE_LOG_LEVEL). It is started here, once, with that notice muted.
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            org.slf4j.LoggerFactory.getILoggerFactory();
        } finally {
            System.setErr(stderr);
        }
    }

    /** An exception's message, on one line, without the SDK's pointers to its troubleshooting pages, not too long. */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String line = TROUBLESHOOTING.matcher(message).replaceAll("").replaceAll("\\s+", " ").strip();
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "..." : line;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
