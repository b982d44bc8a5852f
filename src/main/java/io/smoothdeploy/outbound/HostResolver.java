package io.smoothdeploy.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into the addresses it stands for. The guarded client asks it once per connection and then
 * connects to an address it checked, never to the name again. Tests give a fixed mapping instead of DNS.
 */
@FunctionalInterface
public interface HostResolver {

    /** The platform's resolver (DNS, hosts file). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * @return every address of {@code host}, never empty
     * @throws UnknownHostException when the name has no address
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
