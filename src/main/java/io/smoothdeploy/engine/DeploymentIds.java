package io.smoothdeploy.engine;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Deployment ids that sort by start time and are safe in table keys, message ids and database names:
 * {@code d20261123t091500-3f9a1c2b}.
 */
public final class DeploymentIds implements Supplier<String> {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public DeploymentIds(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String get() {
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        return "d" + FORMAT.format(clock.instant()) + "-" + HexFormat.of().formatHex(suffix);
    }
}
