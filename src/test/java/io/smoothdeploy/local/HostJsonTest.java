package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostJsonTest {

    @TempDir
    Path dir;

    @Test
    void theProjectsHostJsonGivesTheWorkerCount() {
        assertEquals(16, HostJson.maxConcurrentCalls(Path.of("host.json")), "host.json sets maxConcurrentCalls 16");
    }

    @Test
    void anAbsentSettingMeansTheExtensionsDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("host.json"), "{\"version\":\"2.0\",\"extensions\":{\"serviceBus\":{}}}");

        assertEquals(16 * Runtime.getRuntime().availableProcessors(), HostJson.maxConcurrentCalls(file));
        assertEquals(16 * Runtime.getRuntime().availableProcessors(), HostJson.maxConcurrentCalls(dir.resolve("none.json")));
    }

    @Test
    void aValueThatIsNotAPositiveWholeNumberIsRefusedByName() throws Exception {
        Path zero = Files.writeString(dir.resolve("zero.json"), "{\"extensions\":{\"serviceBus\":{\"maxConcurrentCalls\":0}}}");
        Path text = Files.writeString(dir.resolve("text.json"), "{\"extensions\":{\"serviceBus\":{\"maxConcurrentCalls\":\"8\"}}}");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"extensions\":");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostJson.maxConcurrentCalls(zero));
        assertTrue(e.getMessage().contains("extensions.serviceBus.maxConcurrentCalls"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostJson.maxConcurrentCalls(text));
        assertThrows(IllegalArgumentException.class, () -> HostJson.maxConcurrentCalls(broken));
    }
}
