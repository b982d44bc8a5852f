package io.smoothdeploy.bench;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * Counts every HTTP request the Table client sends, exactly: a policy in the client's pipeline, placed per
 * retry (the default position), so a request the SDK retries counts each time it goes on the wire. Requests
 * are attributed to the {@link Scope} open on the calling thread (a delivery, an API call), if any; the sync
 * Table client runs its pipeline on the calling thread. Also counts 412 answers and keeps each request's
 * latency (wire time as this policy sees it) in a {@link LatencyHistogram} for a median.
 */
public final class TableRequestCounter implements HttpPipelinePolicy {

    private static final ThreadLocal<Deque<Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong untagged = new AtomicLong();
    private final LatencyHistogram latencies = new LatencyHistogram();

    /** What one delivery or one API call sent, counted while it is open on its thread. */
    public static final class Scope implements AutoCloseable {
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger conflicts = new AtomicInteger();

        public int requests() {
            return requests.get();
        }

        public int conflicts() {
            return conflicts.get();
        }

        @Override
        public void close() {
            Deque<Scope> open = SCOPES.get();
            open.remove(this);
            if (open.isEmpty()) {
                SCOPES.remove();
            }
        }
    }

    /** Opens a scope on this thread: requests sent on it until {@link Scope#close()} count to it. */
    public static Scope open() {
        Scope scope = new Scope();
        SCOPES.get().push(scope);
        return scope;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        Scope scope = current();
        boolean batch = isBatch(context);
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return next.process().map(response -> {
                HttpResponse seen = batch ? response.buffer() : response;
                record(scope, status(seen, batch), started);
                return seen;
            });
        });
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        Scope scope = current();
        boolean batch = isBatch(context);
        long started = System.nanoTime();
        HttpResponse response = next.processSync();
        HttpResponse seen = batch ? response.buffer() : response;
        record(scope, status(seen, batch), started);
        return seen;
    }

    private static boolean isBatch(HttpPipelineCallContext context) {
        return context.getHttpRequest().getUrl().getPath().endsWith("$batch");
    }

    /**
     * The status that matters: an entity-group transaction answers 202 for the batch, and the failed action's own
     * status (412 for a lost race) is a status line inside the multipart body
     * (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
     */
    private static int status(HttpResponse response, boolean batch) {
        if (!batch || response.getStatusCode() != 202) {
            return response.getStatusCode();
        }
        String body = response.getBodyAsBinaryData().toString();
        return INNER_412.matcher(body).find() ? 412 : 202;
    }

    private static final java.util.regex.Pattern INNER_412 = java.util.regex.Pattern.compile("HTTP/1\\.1 412 ");

    private static Scope current() {
        Deque<Scope> open = SCOPES.get();
        Scope scope = open.peek();
        if (scope == null) {
            SCOPES.remove();
        }
        return scope;
    }

    private void record(Scope scope, int status, long startedNanos) {
        long took = System.nanoTime() - startedNanos;
        requests.incrementAndGet();
        boolean conflict = status == 412;
        if (conflict) {
            conflicts.incrementAndGet();
        }
        if (scope == null) {
            untagged.incrementAndGet();
        } else {
            scope.requests.incrementAndGet();
            if (conflict) {
                scope.conflicts.incrementAndGet();
            }
        }
        latencies.record(took);
    }

    /** Requests sent so far. */
    public long requests() {
        return requests.get();
    }

    /** 412 (Precondition Failed) answers so far: lost optimistic-concurrency races. */
    public long conflicts() {
        return conflicts.get();
    }

    /** Requests sent with no scope open (API calls and timers in a live run). */
    public long untagged() {
        return untagged.get();
    }

    /** Forgets the latencies recorded so far (the counts stay). */
    public void clearLatencies() {
        latencies.clear();
    }

    /** The median request latency since the last {@link #clearLatencies()}, in nanoseconds (0 if none), within 1%. */
    public long medianLatencyNanos() {
        return latencies.percentile(50);
    }
}
