package io.smoothdeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.engine.port.SlotRef;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory cloud's Azure SQL side is as strict as the emulator's (and Azure's). */
class SimulatedCloudSqlTest {

    private static final String SERVER = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(10));
    private final DatabaseRef production = new DatabaseRef(SERVER, "cms");
    private final DatabaseRef copy = new DatabaseRef(SERVER, "cms-copy");

    @Test
    void aNewCopyIsRestorableOnlyFromItsFirstBackupAndReportsIt() {
        // Arrange: a copy made now, finished after 10 minutes
        cloud.addDatabase(production);
        Instant made = clock.instant();
        cloud.beginCopy(production, copy);
        clock.advance(Duration.ofMinutes(10));

        // Act
        CloudException refused = assertThrows(CloudException.class, () ->
                cloud.beginPointInTimeRestore(copy, made.plus(Duration.ofMinutes(5)), new DatabaseRef(SERVER, "r")));

        // Assert
        assertEquals("PitrPointInTimeInvalid", refused.code());
        assertFalse(refused.isTransient());
        assertEquals(made.plus(Duration.ofMinutes(30)), cloud.getDatabase(copy).orElseThrow().earliestRestore());
    }

    @Test
    void theCallJournalsKeepOnlyTheNewestEntriesUpToTheirLimit() {
        // Arrange: journals of 2
        cloud.journalLimit(2);
        cloud.addDatabase(production);
        SlotRef staging = new SlotRef("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/cms", "staging");
        cloud.addSite(staging.siteResourceId(), null, java.util.Map.of());

        // Act: three copies (irreversible), and three changing calls
        for (String name : List.of("a", "b", "c")) {
            cloud.beginCopy(production, new DatabaseRef(SERVER, name));
        }
        cloud.ensureSlot(staging);
        cloud.stopSlot(staging);
        cloud.startSlot(staging);

        // Assert: the newest two of each, oldest first
        assertEquals(List.of("create " + new DatabaseRef(SERVER, "b") + " from " + production,
                "create " + new DatabaseRef(SERVER, "c") + " from " + production), cloud.irreversibleActions());
        List<String> calls = cloud.calls();
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(1).startsWith("startSlot"), calls.toString());
        assertThrows(IllegalArgumentException.class, () -> cloud.journalLimit(0));
    }

    @Test
    void aDatabaseStillBeingCopiedCannotBeRenamedYet() {
        cloud.addDatabase(production);
        cloud.beginCopy(production, copy);

        CloudException busy = assertThrows(CloudException.class, () -> cloud.rename(copy, "cms-new"));

        assertTrue(busy.isBusy(), busy.code());
        assertTrue(cloud.getDatabase(copy).isPresent(), "nothing was renamed");
    }

    @Test
    void aCopyDeletedWhileStillSeedingStaysListedUntilTheCopyWouldHaveEndedAndCountsAsOneDelete() {
        // Arrange: a 10-minute copy, deleted 2 minutes in (and asked again, as a clean-up that checks again does)
        cloud.addDatabase(production);
        cloud.beginCopy(production, copy);
        clock.advance(Duration.ofMinutes(2));

        // Act
        cloud.deleteDatabase(copy);
        cloud.deleteDatabase(copy);
        clock.advance(Duration.ofMinutes(5));
        boolean listedMidCopy = cloud.getDatabase(copy).isPresent();
        clock.advance(Duration.ofMinutes(3));

        // Assert
        assertTrue(listedMidCopy);
        assertTrue(cloud.getDatabase(copy).isEmpty());
        assertEquals(1, cloud.irreversibleActions().stream().filter(a -> a.startsWith("delete ")).count(),
                cloud.irreversibleActions().toString());
    }

    @Test
    void renamingAMissingDatabaseIsSourceDatabaseNotFound() {
        CloudException error = assertThrows(CloudException.class, () -> cloud.rename(copy, "cms-new"));

        assertEquals("SourceDatabaseNotFound", error.code());
        assertFalse(error.isTransient());
    }
}
