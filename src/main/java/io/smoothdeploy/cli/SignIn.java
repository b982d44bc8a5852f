package io.smoothdeploy.cli;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;

/**
 * How the CLI proves who it is to the API, one of four: nothing (the local host), a function key sent as
 * {@code x-functions-key} (a Functions app deployed without platform authentication), an Entra ID access token for
 * the API's audience got through azure-identity ({@link AccessTokens}), or a ready token from
 * {@value DeployCli#ENV_TOKEN}. A token goes as {@code Authorization: Bearer}, which is what App Service
 * authentication checks (https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad,
 * "Use a bearer token"). Each kind also words what a 401 or 403 most likely means.
 */
abstract class SignIn {

    static final String KEY_HEADER = "x-functions-key";

    /** Adds the credential to the request; a token is fetched (or renewed) here. */
    abstract void authorize(HttpRequest.Builder request) throws ApiException;

    /** What to tell a person whose request was answered with 401. */
    abstract String unauthorizedHint();

    /** What to tell a person whose request was answered with 403 and no problem body. */
    String forbiddenHint() {
        return "the API refused this identity: it lacks the app role this action needs (Reader, Deployer, Approver"
                + " or Admin; README, Security); ask an Admin of the orchestrator's app registration to assign it";
    }

    /** A credential may go to this URL: https, or plain http only to this machine (the local host). */
    void checkTransport(URI api) throws UsageException {
        String scheme = api.getScheme() == null ? "" : api.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !isLoopback(api.getHost())) {
            throw new UsageException(name() + " is sent over https only (plain http only to localhost), not to " + api);
        }
    }

    /** What the credential is called in messages. */
    abstract String name();

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    static SignIn none() {
        return new SignIn() {
            @Override
            void authorize(HttpRequest.Builder request) {
            }

            @Override
            String unauthorizedHint() {
                return "the API needs a sign-in: set " + DeployCli.ENV_AUDIENCE + " (or --audience) to the API's"
                        + " Application ID URI, and sign in with az login; for a Functions app without platform"
                        + " authentication, give its function key with " + DeployCli.ENV_KEY + " (or --key)";
            }

            @Override
            void checkTransport(URI api) {
            }

            @Override
            String name() {
                return "nothing";
            }
        };
    }

    static SignIn key(String key) {
        return new SignIn() {
            @Override
            void authorize(HttpRequest.Builder request) {
                request.header(KEY_HEADER, key);
            }

            @Override
            String unauthorizedHint() {
                return "is the function key right? pass it with --key or " + DeployCli.ENV_KEY + "; an app with"
                        + " platform authentication on takes no key: set " + DeployCli.ENV_AUDIENCE + " instead";
            }

            @Override
            String forbiddenHint() {
                return unauthorizedHint();
            }

            @Override
            void checkTransport(URI api) {
                // As it always was: the key goes where --api says (a Functions app answers https only anyway).
            }

            @Override
            String name() {
                return "the function key";
            }
        };
    }

    /** An Entra ID token for {@code audience}, from azure-identity, renewed before it expires. */
    static SignIn token(AccessTokens tokens) {
        return new SignIn() {
            @Override
            void authorize(HttpRequest.Builder request) throws ApiException {
                request.header("Authorization", "Bearer " + tokens.token());
            }

            @Override
            String unauthorizedHint() {
                return "the token was refused: is " + DeployCli.ENV_AUDIENCE + " (--audience, now "
                        + tokens.audience() + ") the API's Application ID URI (main.bicep's output "
                        + DeployCli.ENV_AUDIENCE + ", such as api://<client id>)? is the identity signed in with az"
                        + " login in the API's tenant?";
            }

            @Override
            String name() {
                return "an access token";
            }
        };
    }

    /** A ready bearer token from {@value DeployCli#ENV_TOKEN}, sent as it is. */
    static SignIn readyToken(String token) {
        return new SignIn() {
            @Override
            void authorize(HttpRequest.Builder request) {
                request.header("Authorization", "Bearer " + token);
            }

            @Override
            String unauthorizedHint() {
                return "the token in " + DeployCli.ENV_TOKEN + " was refused: is it for the API's Application ID URI,"
                        + " and not expired? (az account get-access-token --resource <audience> --query accessToken)";
            }

            @Override
            String name() {
                return "the token in " + DeployCli.ENV_TOKEN;
            }
        };
    }
}
