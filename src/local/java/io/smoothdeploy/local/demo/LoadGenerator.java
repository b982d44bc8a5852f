package io.smoothdeploy.local.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends GET requests to one loopback URL from a few threads until stopped, or until its own time limit, and
 * records each one. Bounded in time by design: it is a measuring tool for the local demo, not a stress test.
 */
public final class LoadGenerator implements AutoCloseable {

    private final URI target;
    private final String hostHeader;
    private final int threads;
    private final Duration limit;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<LoadReport.Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService pool;

    /**
     * @param target  the URL to load (a loopback address)
     * @param threads how many requests in flight at once
     * @param limit   the most it runs, even if nobody stops it
     */
    public LoadGenerator(URI target, int threads, Duration limit) {
        this(target, null, threads, limit);
    }

    /**
     * @param target     the URL to load (a loopback address)
     * @param hostHeader the {@code Host} every request names, as a visitor's browser names the site's custom domain
     *                   (null: the target's own authority); sending it needs
     *                   {@code -Djdk.httpclient.allowRestrictedHeaders=host}
     * @param threads    how many requests in flight at once
     * @param limit      the most it runs, even if nobody stops it
     */
    public LoadGenerator(URI target, String hostHeader, int threads, Duration limit) {
        String host = target.getHost();
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
            throw new IllegalArgumentException("the load generator only targets this machine (127.0.0.1 or localhost)");
        }
        this.target = target;
        this.hostHeader = hostHeader;
        this.threads = threads;
        this.limit = limit;
    }

    public void start() {
        running.set(true);
        pool = Executors.newFixedThreadPool(threads);
        long deadline = System.nanoTime() + limit.toNanos();
        for (int i = 0; i < threads; i++) {
            pool.submit(() -> {
                while (running.get() && System.nanoTime() < deadline) {
                    samples.add(once());
                }
            });
        }
    }

    private LoadReport.Sample once() {
        Instant started = Instant.now();
        long begin = System.nanoTime();
        int status;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET();
            if (hostHeader != null) {
                request.header("Host", hostHeader);
            }
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        return new LoadReport.Sample(started, Duration.ofNanos(System.nanoTime() - begin), status);
    }

    /** Stops sending, waits for requests in flight, and reports. */
    public LoadReport stop() {
        running.set(false);
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new LoadReport(new ArrayList<>(samples));
    }

    /** Requests recorded so far. */
    public int sentSoFar() {
        return samples.size();
    }

    @Override
    public void close() {
        running.set(false);
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
