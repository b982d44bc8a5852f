package io.smoothdeploy.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.Deployment;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.DeploymentStatus;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppState;
import io.smoothdeploy.testing.TestAzurite;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An entity-group transaction that Table storage committed, but whose answer was lost: the SDK's retry policy
 * sends the same {@code $batch} again, and the retry is refused with 412 because the rows changed (by the
 * first attempt). The store settles it by reading back, so a committed decision is never reported as a lost
 * race.
 */
class AmbiguousCommitTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    private static final String ENV = "ambiguous-prod";

    @Test
    void commitWhoseAnswerWasLostAndWhoseRetryGot412IsSettledAsCommitted() {
        // Arrange
        LoseFirstBatchAnswer lose = new LoseFirstBatchAnswer();
        TableDeploymentStore store = store(lose);
        DeploymentSnapshot before = started(store, "amb1");
        Deployment failed = before.deployment().withStatus(DeploymentStatus.FAILED).touchedAt(T0.plusSeconds(5));
        Decision decision = new Decision(failed, List.of(), before.environment().withoutHold(),
                List.of(LogLine.error(T0.plusSeconds(5), null, "Deployment failed")), List.of());
        lose.armed.set(1);

        // Act
        store.commit(decision);

        // Assert
        assertEquals(0, lose.armed.get(), "the first transaction's answer was lost");
        assertTrue(lose.batches.get() >= 2, "the SDK sent the transaction again: " + lose.batches.get());
        DeploymentSnapshot after = store.load("amb1").orElseThrow();
        assertEquals(DeploymentStatus.FAILED, after.deployment().status());
        assertEquals(List.of("started", "Deployment failed"), store.readLog("amb1").stream().map(LogLine::message).toList());
    }

    @Test
    void startWhoseAnswerWasLostIsSettledAsStarted() {
        // Arrange
        LoseFirstBatchAnswer lose = new LoseFirstBatchAnswer();
        TableDeploymentStore store = store(lose);
        EnvironmentRecord env = store.saveEnvironment(TableDeploymentStoreTest.config(ENV), null);
        lose.armed.set(1);

        // Act
        store.createDeployment(env.withHold("amb2"), TableDeploymentStoreTest.deployment("amb2", ENV, null),
                webApps("amb2"), List.of(LogLine.info(T0, null, "started")));

        // Assert
        assertEquals(0, lose.armed.get(), "the first transaction's answer was lost");
        assertEquals("amb2", store.findEnvironment(ENV).orElseThrow().activeDeploymentId());
        assertTrue(store.load("amb2").isPresent());
    }

    private static TableDeploymentStore store(HttpPipelinePolicy policy) {
        TableServiceClient client = new TableServiceClientBuilder().connectionString(TestAzurite.connectionString())
                .addPolicy(policy).buildClient();
        return TableDeploymentStore.create(client, TestAzurite.uniqueTableName("state"),
                TestAzurite.uniqueTableName("index"));
    }

    private static DeploymentSnapshot started(TableDeploymentStore store, String id) {
        EnvironmentRecord env = store.findEnvironment(ENV).orElseGet(() ->
                store.saveEnvironment(TableDeploymentStoreTest.config(ENV), null));
        store.createDeployment(env.withHold(id), TableDeploymentStoreTest.deployment(id, ENV, null), webApps(id),
                List.of(LogLine.info(T0, null, "started")));
        return store.load(id).orElseThrow();
    }

    private static List<WebAppState> webApps(String id) {
        return TableDeploymentStoreTest.config(ENV).webApps().stream()
                .map((WebAppConfig w) -> WebAppState.pending(id, w)).toList();
    }

    /**
     * Lets the first armed {@code $batch} reach the service, then answers the SDK with 503 instead of the
     * service's answer, as a dropped connection or a gateway timeout would: the SDK's retry policy sends it
     * again. Runs once per try (after the retry policy).
     */
    private static final class LoseFirstBatchAnswer implements HttpPipelinePolicy {
        final AtomicInteger armed = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();

        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            HttpRequest request = context.getHttpRequest();
            boolean batch = request.getHttpMethod() == HttpMethod.POST && request.getUrl().getPath().endsWith("$batch");
            if (!batch) {
                return next.process();
            }
            batches.incrementAndGet();
            if (armed.get() == 0) {
                return next.process();
            }
            return next.process().flatMap(real -> real.getBodyAsByteArray().defaultIfEmpty(new byte[0]).map(ignored -> {
                armed.decrementAndGet();
                return (HttpResponse) new Unavailable(request);
            }));
        }

        @Override
        public HttpPipelinePosition getPipelinePosition() {
            return HttpPipelinePosition.PER_RETRY;
        }
    }

    private static final class Unavailable extends HttpResponse {
        private static final byte[] BODY = "gateway timeout".getBytes(StandardCharsets.UTF_8);

        Unavailable(HttpRequest request) {
            super(request);
        }

        @Override
        public int getStatusCode() {
            return 503;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return null;
        }

        @Override
        public HttpHeaders getHeaders() {
            return new HttpHeaders();
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(BODY));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(BODY);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(BODY, StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(java.nio.charset.Charset charset) {
            return getBodyAsString();
        }
    }
}
