package io.smoothdeploy.cli;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The access token for the API's audience, fetched once per CLI run and kept: a token is asked for again only
 * {@link #RENEW_BEFORE} before it expires (Entra ID access tokens last 60 to 90 minutes,
 * https://learn.microsoft.com/entra/identity-platform/access-tokens#token-lifetime, and a {@code wait} can last
 * longer). A renewal that fails while the token in hand is still valid keeps that token (with a warning), so a
 * sign-in that can no longer renew (a pipeline's federated sign-in, whose ID token lasts minutes) fails only
 * when the token really expires. Every token is handed to {@code hide} before use, so that it is masked in
 * whatever the CLI prints.
 */
final class AccessTokens {

    /** Renewed this long before it expires: a request never goes out with a token about to lapse. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final String audience;
    private final Pacer clock;
    private final Consumer<String> hide;
    private final Consumer<String> warn;
    private AccessToken current;

    /**
     * @param audience the API's Application ID URI; the token is asked for the scope {@code <audience>/.default}
     * @param clock    what time it is
     * @param hide     told every new token, before it is sent
     * @param warn     told when a renewal failed and the current token is kept
     */
    AccessTokens(TokenCredential credential, String audience, Pacer clock, Consumer<String> hide,
                 Consumer<String> warn) {
        this.credential = credential;
        this.audience = audience;
        this.clock = clock;
        this.hide = hide;
        this.warn = warn;
    }

    String audience() {
        return audience;
    }

    /** {@code <audience>/.default}: every app role the identity holds on the API. */
    String scope() {
        return audience + "/.default";
    }

    /** A token valid for at least {@link #RENEW_BEFORE} if it can be had, else the one in hand while it lasts. */
    synchronized String token() throws ApiException {
        Instant now = clock.now();
        if (current != null && now.isBefore(current.getExpiresAt().toInstant().minus(RENEW_BEFORE))) {
            return current.getToken();
        }
        AccessToken fresh;
        try {
            fresh = credential.getTokenSync(new TokenRequestContext().addScopes(scope()));
        } catch (RuntimeException e) {
            if (current != null && now.isBefore(current.getExpiresAt().toInstant())) {
                warn.accept("warning: could not renew the access token (" + Credentials.reason(e) + "); the current"
                        + " one is valid until " + current.getExpiresAt().toInstant());
                return current.getToken();
            }
            throw ApiException.signIn(current == null ? Credentials.noToken(audience, e) : Credentials.expired(e), e);
        }
        if (fresh == null || fresh.getToken() == null || fresh.getToken().isBlank()) {
            throw ApiException.signIn("no access token came back for " + scope(), null);
        }
        hide.accept(fresh.getToken());
        current = fresh;
        return current.getToken();
    }
}
