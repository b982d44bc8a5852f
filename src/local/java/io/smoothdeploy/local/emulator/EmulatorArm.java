package io.smoothdeploy.local.emulator;

import io.smoothdeploy.cloud.arm.ArmCloud;
import java.net.URI;
import java.util.function.Function;

/**
 * The ARM adapter pointed at the local Azure emulator and signed in with an {@link EmulatorCredential} on it.
 * The adapter itself takes any {@code TokenCredential} ({@link ArmCloud#forEndpoint}); the emulator's credential
 * is local tooling, so it is chosen here, on the local side, and the shipped adapter never names it.
 */
public final class EmulatorArm {

    private EmulatorArm() {
    }

    /** The emulator at {@code armEndpoint}; slots at {@code https://<host>}. */
    public static ArmCloud cloud(URI armEndpoint, String subscriptionId) {
        return cloud(armEndpoint, subscriptionId, host -> "https://" + host);
    }

    /**
     * The emulator at {@code armEndpoint}, its slots reached where {@code baseUrlForHost} says (for the emulator,
     * {@code emulator::baseUrlForHost}), so the credential's failures can be reproduced there too.
     */
    public static ArmCloud cloud(URI armEndpoint, String subscriptionId, Function<String, String> baseUrlForHost) {
        return ArmCloud.forEndpoint(armEndpoint, subscriptionId, baseUrlForHost, new EmulatorCredential(armEndpoint));
    }
}
