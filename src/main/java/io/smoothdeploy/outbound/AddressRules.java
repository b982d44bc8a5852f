package io.smoothdeploy.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Which addresses an outbound call may never reach: everything that is not a public unicast address on the
 * internet. The ranges come from the IANA special-purpose registries (RFC 6890 and its IPv6 counterpart), RFC 1918
 * (private IPv4), RFC 6598 (shared address space, 100.64/10), RFC 3927 (IPv4 link-local, which holds the Azure
 * Instance Metadata Service at 169.254.169.254, https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service),
 * RFC 4193 (IPv6 unique local, fc00::/7), RFC 4291 (IPv6 loopback, link-local fe80::/10, multicast ff00::/8 and the
 * IPv4-mapped form ::ffff:a.b.c.d), RFC 6052 (NAT64 64:ff9b::/96) and RFC 3056 (6to4 2002::/16). An address that
 * embeds an IPv4 address (mapped, compatible, NAT64, 6to4) is judged by the IPv4 address inside it.
 *
 * <p>One public address is refused too: 168.63.129.16, the Azure platform's virtual address for DNS, health probes and
 * the VM agent (https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16), which answers
 * only from inside Azure and is as inward as the metadata service.
 */
public final class AddressRules {

    private AddressRules() {
    }

    /**
     * Why {@code address} may not be called, or empty when it is a public unicast address.
     *
     * @param loopbackAllowed true only in the local host, where receivers and the emulator listen on loopback
     */
    public static Optional<String> refusal(InetAddress address, boolean loopbackAllowed) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4(bytes, 0, loopbackAllowed);
        }
        if (address instanceof Inet6Address) {
            return ipv6(bytes, loopbackAllowed);
        }
        return Optional.of("an address of an unknown kind");
    }

    private static Optional<String> ipv4(byte[] b, int at, boolean loopbackAllowed) {
        int a0 = b[at] & 0xff;
        int a1 = b[at + 1] & 0xff;
        int a2 = b[at + 2] & 0xff;
        int a3 = b[at + 3] & 0xff;
        if (a0 == 0) {
            return Optional.of("a 'this network' address (0.0.0.0/8)");
        }
        if (a0 == 10) {
            return Optional.of("a private address (10.0.0.0/8)");
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of("a shared (carrier-grade NAT) address (100.64.0.0/10)");
        }
        if (a0 == 127) {
            return loopbackAllowed ? Optional.empty() : Optional.of("a loopback address (127.0.0.0/8)");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of(a2 == 169 && a3 == 254
                    ? "the cloud metadata address (169.254.169.254)" : "a link-local address (169.254.0.0/16)");
        }
        if (a0 == 168 && a1 == 63 && a2 == 129 && a3 == 16) {
            return Optional.of("the Azure platform address (168.63.129.16)");
        }
        if (a0 == 172 && (a1 & 0xf0) == 16) {
            return Optional.of("a private address (172.16.0.0/12)");
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return Optional.of("an IETF protocol address (192.0.0.0/24)");
        }
        if (a0 == 192 && a1 == 168) {
            return Optional.of("a private address (192.168.0.0/16)");
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return Optional.of("a benchmarking address (198.18.0.0/15)");
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("a multicast address (224.0.0.0/4)");
        }
        if (a0 >= 240) {
            return Optional.of(a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255
                    ? "the broadcast address (255.255.255.255)" : "a reserved address (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6(byte[] b, boolean loopbackAllowed) {
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return ipv4(b, 12, loopbackAllowed).map(r -> "an IPv4-mapped form of " + r);
        }
        if (zero(b, 0, 16)) {
            return Optional.of("the unspecified address (::)");
        }
        if (zero(b, 0, 15) && b[15] == 1) {
            return loopbackAllowed ? Optional.empty() : Optional.of("the loopback address (::1)");
        }
        if (zero(b, 0, 12)) {
            return Optional.of("an IPv4-compatible address (::/96, deprecated)");
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {
            return Optional.of("a unique local address (fc00::/7)");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return Optional.of("a link-local address (fe80::/10)");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return Optional.of("a site-local address (fec0::/10, deprecated)");
        }
        if (b0 == 0xff) {
            return Optional.of("a multicast address (ff00::/8)");
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            return ipv4(b, 12, false).map(r -> "a NAT64 form of " + r);
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return ipv4(b, 2, false).map(r -> "a 6to4 form of " + r);
        }
        return Optional.empty();
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
