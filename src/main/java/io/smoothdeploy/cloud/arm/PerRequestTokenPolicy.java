package io.smoothdeploy.cloud.arm;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Signs every request with {@code Authorization: Bearer <token>}, asking the credential for the token each
 * time. azure-core's {@code BearerTokenAuthenticationPolicy} would do the same, but it refuses to send a token
 * over plain http, and plain http is all the local emulator speaks; it also caches the token until shortly
 * before expiry, which would hide the token endpoint from tests that break it or count its requests. Asking
 * each time costs one loopback request per ARM request, which is nothing locally; this policy is not meant
 * for Azure, where {@link ArmCloud#forAzure} uses the SDK's own policy.
 *
 * <p>Whatever the credential throws (a {@link ClientAuthenticationException}, usually) leaves the pipeline
 * as is, so {@link ArmErrors} can tell a token that could not be had from an answer ARM gave. Put this policy
 * before the retry policy: a failed token fetch then ends the call instead of being retried twice within it
 * (the engine retries the step later), and the retries of one call share its token.
 */
final class PerRequestTokenPolicy implements HttpPipelinePolicy {

    private final TokenCredential credential;
    private final TokenRequestContext tokenRequest;

    /** @param scope what the token is for, such as {@code https://management.azure.com/.default} */
    PerRequestTokenPolicy(TokenCredential credential, String scope) {
        this.credential = Objects.requireNonNull(credential, "credential");
        this.tokenRequest = new TokenRequestContext().addScopes(Objects.requireNonNull(scope, "scope"));
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return credential.getToken(tokenRequest)
                .switchIfEmpty(Mono.error(() -> noToken()))
                .flatMap(token -> {
                    sign(context.getHttpRequest(), token);
                    return next.process();
                });
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        AccessToken token = credential.getTokenSync(tokenRequest);
        if (token == null) {
            throw noToken();
        }
        sign(context.getHttpRequest(), token);
        return next.processSync();
    }

    private static void sign(HttpRequest request, AccessToken token) {
        request.setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + token.getToken());
    }

    private static ClientAuthenticationException noToken() {
        return new ClientAuthenticationException("the credential returned no token", null);
    }
}
