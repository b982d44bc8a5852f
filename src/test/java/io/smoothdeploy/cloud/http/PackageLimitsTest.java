package io.smoothdeploy.cloud.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The package download caps read from the app settings: defaults when unset, a clear error when malformed. */
class PackageLimitsTest {

    @Test
    void unsetSettingsGiveTheDefaults() {
        // Act
        HttpPackageDigest.Limits limits = HttpPackageDigest.Limits.fromSettings(null, " ");

        // Assert
        assertEquals(1024L * 1024 * 1024, limits.maxBytes());
        assertEquals(Duration.ofSeconds(300), limits.timeCap());
    }

    @Test
    void settingsInMegabytesAndSecondsAreUsed() {
        // Act
        HttpPackageDigest.Limits limits = HttpPackageDigest.Limits.fromSettings("200", "90");

        // Assert
        assertEquals(200L * 1024 * 1024, limits.maxBytes());
        assertEquals(Duration.ofSeconds(90), limits.timeCap());
    }

    @Test
    void aMalformedSettingIsRefusedNamingIt() {
        // Act
        IllegalStateException size = assertThrows(IllegalStateException.class,
                () -> HttpPackageDigest.Limits.fromSettings("0", null));
        IllegalStateException time = assertThrows(IllegalStateException.class,
                () -> HttpPackageDigest.Limits.fromSettings(null, "five minutes"));

        // Assert
        assertTrue(size.getMessage().contains("PackageDownloadMaxMegabytes"), size.getMessage());
        assertTrue(time.getMessage().contains("PackageDownloadMaxSeconds"), time.getMessage());
    }
}
