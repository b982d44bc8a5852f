package io.smoothdeploy.outbound;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One outbound call for {@link GuardedHttp}: built with {@link #get} or {@link #post} and refined with the
 * {@code with...} methods (each returns the same request).
 */
public final class OutboundRequest {

    /** Receives the body of a 2xx answer as it arrives; it may throw {@link OutboundException} to stop reading. */
    @FunctionalInterface
    public interface BodySink {
        void accept(byte[] buffer, int offset, int length);
    }

    final String method;
    final URI uri;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();
    List<String> allowedHosts = List.of();
    long maxBodyBytes = Long.MAX_VALUE;
    Duration timeCap = Duration.ofSeconds(30);
    Duration idleTimeout = Duration.ofSeconds(30);
    BodySink sink;

    private OutboundRequest(String method, URI uri, byte[] body) {
        this.method = method;
        this.uri = Objects.requireNonNull(uri, "uri");
        this.body = body;
    }

    public static OutboundRequest get(URI uri) {
        return new OutboundRequest("GET", uri, null);
    }

    public static OutboundRequest post(URI uri, byte[] body) {
        return new OutboundRequest("POST", uri, Objects.requireNonNull(body, "body"));
    }

    /** A request header; Host, Content-Length, Connection and Transfer-Encoding are the client's own. */
    public OutboundRequest withHeader(String name, String value) {
        if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a header may not contain a line break");
        }
        headers.put(name, value);
        return this;
    }

    /** Hosts every hop must be on (exact names, or {@code *.example.com} for its subdomains); empty: any public host. */
    public OutboundRequest withAllowedHosts(List<String> hosts) {
        allowedHosts = hosts == null ? List.of() : List.copyOf(hosts);
        return this;
    }

    /** Reading stops, and the call fails as {@link OutboundException.Reason#TOO_BIG}, past this many body bytes. */
    public OutboundRequest withMaxBodyBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative");
        }
        maxBodyBytes = bytes;
        return this;
    }

    /** The whole call, redirects and body included, fails as {@link OutboundException.Reason#TOO_SLOW} after this. */
    public OutboundRequest withTimeCap(Duration cap) {
        timeCap = positive(cap, "timeCap");
        return this;
    }

    /** The longest wait for the next bytes; a longer silence fails the call as not reachable. */
    public OutboundRequest withIdleTimeout(Duration idle) {
        idleTimeout = positive(idle, "idleTimeout");
        return this;
    }

    /** Where the body of a 2xx answer goes; without a sink the body is not read at all. */
    public OutboundRequest withBodySink(BodySink bodySink) {
        sink = bodySink;
        return this;
    }

    private static Duration positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return duration;
    }
}
