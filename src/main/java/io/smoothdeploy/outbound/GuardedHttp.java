package io.smoothdeploy.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The one way the orchestrator calls a URL someone gave it (a webhook, a package): it refuses to be aimed inward.
 *
 * <ul>
 *   <li>https only; plain http only in the local host, and only when the host is a loopback address;</li>
 *   <li>the host must be on the environment's allow-list, when it has one;</li>
 *   <li>the host is resolved, and every address it resolves to must be public ({@link AddressRules}); one bad
 *       address refuses the whole name, since which one a client would use is not ours to know;</li>
 *   <li>the connection goes to the address that was checked: a name that resolves again to something else
 *       between the check and the connection (DNS rebinding) is never asked again;</li>
 *   <li>redirects are followed here, at most {@link #MAX_REDIRECTS}, and each hop is checked as the first;</li>
 *   <li>a size cap and a time cap bound what an answer may cost.</li>
 * </ul>
 *
 * <h2>Why a small HTTP/1.1 client of its own</h2>
 * {@code java.net.http.HttpClient} resolves the host itself when it connects, so a check made before cannot be
 * tied to the connection it makes; it will not take the Host header unless the whole JVM allows restricted headers,
 * and connecting to {@code https://<ip>/} would send no SNI and verify the certificate against the IP. JDK 17 has
 * no resolver hook either ({@code InetAddressResolverProvider} arrived in JDK 18, and would be JVM-wide). So this
 * class opens the socket to the checked address itself, layers TLS over it with the original host name (which sets
 * SNI and makes the JDK verify the certificate against that name, endpoint identification "HTTPS"), and speaks
 * HTTP/1.1 with {@code Connection: close}: one request per connection, so no pooled connection to another address
 * can be reused. Answers with {@code Content-Length}, chunked or close-delimited bodies are read (RFC 9112 6.3).
 *
 * <h2>Local mode</h2>
 * Only the local host's composition builds a client with {@link #localHost()}; the Azure composition builds
 * {@link #azure()}. No app setting switches it, so a setting cannot open loopback in Azure.
 *
 * <p>Thread-safe; every call has its own socket.
 */
public final class GuardedHttp {

    public static final int MAX_REDIRECTS = 3;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final int MAX_HEAD_BYTES = 32 * 1024;
    private static final int BUFFER = 16 * 1024;
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");
    private static final Pattern ALLOWED_HOST = Pattern.compile(
            "(\\*\\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    private final boolean localHost;
    private final HostResolver resolver;
    private final Duration connectTimeout;

    /**
     * @param localHost      true only in the local host: plain http and loopback addresses are then allowed
     * @param resolver       how host names become addresses (DNS in production, a fixed mapping in tests)
     * @param connectTimeout the longest wait for a connection
     */
    public GuardedHttp(boolean localHost, HostResolver resolver, Duration connectTimeout) {
        this.localHost = localHost;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /** What runs in Azure: DNS, no loopback, https only. */
    public static GuardedHttp azure() {
        return new GuardedHttp(false, HostResolver.SYSTEM, DEFAULT_CONNECT_TIMEOUT);
    }

    /** What the local host runs: loopback (and plain http to it) allowed, every other rule as in Azure. */
    public static GuardedHttp localHost() {
        return new GuardedHttp(true, HostResolver.SYSTEM, DEFAULT_CONNECT_TIMEOUT);
    }

    public boolean isLocalHost() {
        return localHost;
    }

    /** An answer: its status and headers (names in lower case), and how many body bytes went to the sink. */
    public record Response(int status, Map<String, List<String>> headers, long bodyBytes) {
        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    /**
     * Why {@code uri} may not be called, or empty: the check made when a URL is registered or a deployment starts,
     * so that a bad URL is refused with a 422 before anything is written. A name that does not resolve (yet) is not
     * refused here, since it cannot lead inward; calling it later fails as not reachable, and is checked again then.
     */
    public Optional<String> refusal(String uri, List<String> allowedHosts) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URI");
        }
        try {
            target(parsed, allowedHosts, false);
            return Optional.empty();
        } catch (OutboundException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Whether {@code host} is on {@code allowedHosts} (always, when the list is empty). */
    public static boolean allowed(String host, List<String> allowedHosts) {
        if (allowedHosts == null || allowedHosts.isEmpty()) {
            return true;
        }
        String name = host.toLowerCase(Locale.ROOT);
        for (String entry : allowedHosts) {
            String allowed = entry.toLowerCase(Locale.ROOT);
            if (allowed.startsWith("*.") ? name.endsWith(allowed.substring(1)) : name.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code entry} may be put on an allow-list: a host name, or {@code *.} and a host name. */
    public static boolean validAllowListEntry(String entry) {
        return entry != null && entry.length() <= 253 && ALLOWED_HOST.matcher(entry.toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * Makes the call, following redirects (each hop checked; a POST follows only 307 and 308, which keep the method
     * and body). A non-2xx final answer is returned, not thrown; its body is never read.
     *
     * @throws OutboundException refused, not reachable, too big or too slow; the message names no query string
     */
    public Response send(OutboundRequest request) {
        long deadline = System.nanoTime() + request.timeCap.toNanos();
        URI current = request.uri;
        for (int hop = 0; ; hop++) {
            Target target = target(current, request.allowedHosts, true);
            Response response = once(target, current, request, deadline);
            int status = response.status();
            boolean redirect = status == 307 || status == 308
                    || (request.method.equals("GET") && (status == 301 || status == 302 || status == 303));
            Optional<String> location = response.header("location");
            if (!redirect || location.isEmpty()) {
                return response;
            }
            if (hop == MAX_REDIRECTS) {
                throw new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                        "is not reachable: redirected more than " + MAX_REDIRECTS + " times", false);
            }
            try {
                current = current.resolve(new URI(location.get().trim()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                        "is not reachable: it redirected to something that is not a URI", false);
            }
        }
    }

    /** A checked place to connect to: the name for Host, SNI and the certificate, and the address to use. */
    private record Target(String host, int port, boolean tls, InetAddress address) {
    }

    private Target target(URI uri, List<String> allowedHosts, boolean mustResolve) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String rawHost = uri.getHost();
        if (!uri.isAbsolute() || rawHost == null || rawHost.isEmpty() || uri.getRawUserInfo() != null) {
            throw refused("must be an absolute URL with a host (and no user name or password)");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && localHost)) {
            throw refused("must use https" + (localHost ? " (plain http only to a loopback address)" : ""));
        }
        String host = rawHost.startsWith("[") && rawHost.endsWith("]")
                ? rawHost.substring(1, rawHost.length() - 1) : rawHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!allowed(host, allowedHosts)) {
            throw refused("has host " + host + ", which is not on the environment's allowedHosts");
        }
        List<InetAddress> addresses;
        try {
            addresses = literal(host) ? List.of(InetAddress.getByName(host)) : resolver.resolve(IDN.toASCII(host));
        } catch (UnknownHostException | IllegalArgumentException e) {
            if (!mustResolve) {
                return null;
            }
            throw new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                    "is not reachable: host " + host + " has no address");
        }
        if (addresses == null || addresses.isEmpty()) {
            if (!mustResolve) {
                return null;
            }
            throw new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                    "is not reachable: host " + host + " has no address");
        }
        for (InetAddress address : addresses) {
            Optional<String> why = AddressRules.refusal(address, localHost);
            if (why.isPresent()) {
                throw refused("has host " + host + ", which resolves to " + why.get()
                        + "; only public internet addresses are called");
            }
        }
        InetAddress chosen = addresses.get(0);
        if (scheme.equals("http") && !chosen.isLoopbackAddress()) {
            throw refused("must use https (plain http only to a loopback address)");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Target(host, port, scheme.equals("https"), chosen);
    }

    private static boolean literal(String host) {
        return host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches();
    }

    private static OutboundException refused(String why) {
        return new OutboundException(OutboundException.Reason.REFUSED, why);
    }

    private Response once(Target target, URI uri, OutboundRequest request, long deadline) {
        Socket raw = new Socket();
        try (raw) {
            long remaining = remainingMillis(deadline, request);
            raw.connect(new InetSocketAddress(target.address(), target.port()),
                    (int) Math.max(1, Math.min(connectTimeout.toMillis(), remaining)));
            Socket socket = target.tls() ? tls(raw, target, request, deadline) : raw;
            OutputStream out = socket.getOutputStream();
            out.write(head(target, uri, request));
            if (request.body != null) {
                out.write(request.body);
            }
            out.flush();
            InputStream in = new BufferedInputStream(new TimedInput(socket, deadline, request), BUFFER);
            int status;
            Map<String, List<String>> headers;
            do {
                status = statusLine(readLine(in));
                headers = headers(in);
            } while (status >= 100 && status < 200);
            long bytes = 0;
            if (status / 100 == 2 && request.sink != null && status != 204) {
                bytes = body(in, headers, request);
            }
            return new Response(status, headers, bytes);
        } catch (OutboundException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw timeout(deadline, request);
        } catch (IOException e) {
            if (System.nanoTime() - deadline >= 0) {
                throw tooSlow(request);
            }
            // The JDK's message may name the address or the certificate's names: the class is enough.
            throw new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                    "is not reachable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Socket tls(Socket raw, Target target, OutboundRequest request, long deadline) throws IOException {
        SSLSocketFactory factory;
        try {
            factory = SSLContext.getDefault().getSocketFactory();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has a default TLS context", e);
        }
        SSLSocket ssl = (SSLSocket) factory.createSocket(raw, target.host(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!literal(target.host())) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout((int) Math.max(1, Math.min(request.idleTimeout.toMillis(), remainingMillis(deadline, request))));
        ssl.startHandshake();
        return ssl;
    }

    private static byte[] head(Target target, URI uri, OutboundRequest request) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        boolean defaultPort = target.port() == (target.tls() ? 443 : 80);
        String host = (target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host())
                + (defaultPort ? "" : ":" + target.port());
        StringBuilder head = new StringBuilder();
        head.append(request.method).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append("\r\n");
        head.append("Connection: close\r\n");
        head.append("Accept-Encoding: identity\r\n");
        head.append("User-Agent: smoothdeploy-orchestrator\r\n");
        for (Map.Entry<String, String> header : request.headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!List.of("host", "connection", "content-length", "transfer-encoding").contains(name)) {
                head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            }
        }
        if (request.body != null) {
            head.append("Content-Length: ").append(request.body.length).append("\r\n");
        }
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int statusLine(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw notHttp();
        }
        try {
            int status = Integer.parseInt(parts[1]);
            if (status < 100 || status > 599) {
                throw notHttp();
            }
            return status;
        } catch (NumberFormatException e) {
            throw notHttp();
        }
    }

    private static Map<String, List<String>> headers(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine(in);
            if (line.isEmpty()) {
                return headers;
            }
            total += line.length();
            int colon = line.indexOf(':');
            if (total > MAX_HEAD_BYTES || colon <= 0) {
                throw notHttp();
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
    }

    private static long body(InputStream in, Map<String, List<String>> headers, OutboundRequest request)
            throws IOException {
        List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
        boolean chunked = encoding.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
        byte[] buffer = new byte[BUFFER];
        long[] total = {0};
        if (chunked) {
            while (true) {
                String sizeLine = readLine(in);
                int semicolon = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
                } catch (NumberFormatException e) {
                    throw notHttp();
                }
                if (size < 0) {
                    throw notHttp();
                }
                if (size == 0) {
                    headers(in); // trailers
                    return total[0];
                }
                copy(in, size, buffer, total, request);
                if (!readLine(in).isEmpty()) {
                    throw notHttp();
                }
            }
        }
        List<String> lengths = headers.getOrDefault("content-length", List.of());
        if (!lengths.isEmpty()) {
            long length;
            try {
                length = Long.parseLong(lengths.get(0));
            } catch (NumberFormatException e) {
                throw notHttp();
            }
            if (length < 0) {
                throw notHttp();
            }
            if (length > request.maxBodyBytes) {
                throw tooBig(request); // announced as too big: not a byte of it is read
            }
            copy(in, length, buffer, total, request);
            return total[0];
        }
        copy(in, Long.MAX_VALUE, buffer, total, request);
        return total[0];
    }

    /** Copies up to {@code length} bytes (to the end of the stream for Long.MAX_VALUE) to the sink, within the cap. */
    private static void copy(InputStream in, long length, byte[] buffer, long[] total, OutboundRequest request)
            throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (length == Long.MAX_VALUE) {
                    return;
                }
                throw new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                        "is not reachable: the answer ended early");
            }
            if (total[0] + n > request.maxBodyBytes) {
                throw tooBig(request);
            }
            total[0] += n;
            left -= n;
            request.sink.accept(buffer, 0, n);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                        "is not reachable: the connection closed before a full answer");
            }
            if (c == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (line.size() >= MAX_HEAD_BYTES) {
                throw notHttp();
            }
            line.write(c);
        }
    }

    private static OutboundException notHttp() {
        return new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                "is not reachable: what answered does not speak HTTP/1.1", false);
    }

    static OutboundException tooBig(OutboundRequest request) {
        return new OutboundException(OutboundException.Reason.TOO_BIG,
                "is bigger than the cap of " + describeBytes(request.maxBodyBytes));
    }

    private static OutboundException tooSlow(OutboundRequest request) {
        return new OutboundException(OutboundException.Reason.TOO_SLOW,
                "took longer than " + request.timeCap.toSeconds() + " s");
    }

    private static OutboundException timeout(long deadline, OutboundRequest request) {
        if (System.nanoTime() - deadline >= 0) {
            return tooSlow(request);
        }
        return new OutboundException(OutboundException.Reason.NOT_REACHABLE,
                "is not reachable: nothing arrived for " + request.idleTimeout.toSeconds() + " s");
    }

    private static String describeBytes(long bytes) {
        long mb = 1024L * 1024;
        return bytes >= mb && bytes % mb == 0 ? bytes / mb + " MB" : bytes + " bytes";
    }

    private static long remainingMillis(long deadline, OutboundRequest request) {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw tooSlow(request);
        }
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    /**
     * The socket's input, with each read bounded by the idle timeout and by what is left of the time cap: a stream
     * that trickles bytes forever is stopped at the cap, since every read first checks the deadline.
     */
    private static final class TimedInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final OutboundRequest request;

        TimedInput(Socket socket, long deadline, OutboundRequest request) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long remaining = remainingMillis(deadline, request);
            long idle = request.idleTimeout.toMillis();
            socket.setSoTimeout((int) Math.max(1, Math.min(idle, remaining)));
            try {
                return in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                // A wait cut short by the time cap is the cap's doing, not a stall.
                if (remaining < idle) {
                    throw tooSlow(request);
                }
                throw e;
            }
        }
    }
}
