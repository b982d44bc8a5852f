package io.smoothdeploy.outbound;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A resolver with a fixed mapping of host names to addresses, counting its lookups: no DNS in the tests. */
final class FixedResolver implements HostResolver {

    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    /** Maps {@code host} to the literal addresses (each parsed without DNS). */
    FixedResolver map(String host, String... literals) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(address(literal));
        }
        names.put(host, List.copyOf(addresses));
        return this;
    }

    /** Maps {@code host} to one address as given (for example an {@link Inet6Address} in IPv4-mapped form). */
    FixedResolver map(String host, InetAddress address) {
        names.put(host, List.of(address));
        return this;
    }

    int lookups(String host) {
        AtomicInteger count = lookups.get(host);
        return count == null ? 0 : count.get();
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        List<InetAddress> addresses = names.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        return addresses;
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** {@code ::ffff:a.b.c.d} kept as an IPv6 address (InetAddress.getByName would turn it into IPv4). */
    static InetAddress mapped(String ipv4) {
        byte[] v4 = address(ipv4).getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        try {
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ipv4, e);
        }
    }
}
