package io.smoothdeploy.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.cloud.arm.ArmCloud;
import io.smoothdeploy.local.ManualClock;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database activity port on the emulator: copies are made through the real ARM adapter, as the clone step
 * makes them, and writes go through the emulator's own database API.
 */
class EmulatorDatabaseActivityTest {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000003";

    private ManualClock clock;
    private AzureEmulator emulator;
    private ArmCloud cloud;
    private EmulatorDatabaseActivity activity;
    private String serverId;
    private DatabaseRef live;
    private DatabaseRef clone;

    @BeforeEach
    void start() {
        clock = new ManualClock();
        emulator = AzureEmulator.start(clock);
        // restarts at once: these tests are about other behaviour (restart lag: SlotRuntimeTest.restarts*)
        emulator.setRestartLag(Duration.ZERO);
        emulator.setCopyDuration(Duration.ZERO); // these tests read a copy at once; copy time is tested below
        serverId = emulator.addSqlServer(SUBSCRIPTION, "rg-data", "sql-prod", "westeurope");
        EmulatedDatabase production = emulator.addDatabase(serverId, "cms");
        production.setEarliestRestoreDate(clock.instant()); // restorable from now on (backed up long ago)
        production.insert("row 1");
        production.insert("row 2");
        production.insert("row 3");
        live = new DatabaseRef(serverId, "cms");
        clone = new DatabaseRef(serverId, "cms-clone");
        cloud = EmulatorArm.cloud(emulator.endpoint(), SUBSCRIPTION);
        activity = new EmulatorDatabaseActivity(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aNewCopyReportsNoWritesOfItsOwnThenEachWriteItReceives() {
        // Arrange
        cloud.beginCopy(live, clone);
        EmulatedDatabase copy = emulator.database(serverId, "cms-clone");

        // Act
        OptionalLong fresh = activity.writesSinceCreated(clone);
        copy.insert("order 1");
        copy.insert("order 2");
        OptionalLong afterTwo = activity.writesSinceCreated(clone);

        // Assert
        assertEquals(5, copy.writeCount(), "the copy holds its source's three rows and its own two");
        assertEquals(OptionalLong.of(0), fresh);
        assertEquals(OptionalLong.of(2), afterTwo);
        assertEquals(OptionalLong.of(3), activity.writesSinceCreated(live), "the source counts its own writes");
    }

    @Test
    void aDatabaseWhoseWritesAreStoppedRefusesWritesAndKeepsItsCount() {
        // Arrange
        cloud.beginCopy(live, clone);
        EmulatedDatabase copy = emulator.database(serverId, "cms-clone");
        copy.insert("order 1");

        // Act
        boolean stopped = activity.stopWrites(clone);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> copy.insert("order 2"));

        // Assert
        assertTrue(stopped);
        assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
        assertEquals(OptionalLong.of(1), activity.writesSinceCreated(clone));
    }

    @Test
    void aRenameKeepsTheCountAndAPointInTimeRestoreStartsAtZero() {
        // Arrange
        clock.advance(Duration.ofMinutes(5));
        emulator.database(serverId, "cms").insert("row 4");

        // Act
        cloud.rename(live, "cms-old");
        cloud.beginPointInTimeRestore(new DatabaseRef(serverId, "cms-old"), clock.instant(), live);

        // Assert
        assertEquals(OptionalLong.of(4), activity.writesSinceCreated(new DatabaseRef(serverId, "cms-old")));
        assertEquals(OptionalLong.of(0), activity.writesSinceCreated(live));
    }

    @Test
    void aDatabaseStillBeingCopiedCannotBeReadYet() {
        // Arrange
        emulator.setCopyDuration(Duration.ofMinutes(10));
        cloud.beginCopy(live, clone);

        // Act
        OptionalLong copying = activity.writesSinceCreated(clone);
        clock.advance(Duration.ofMinutes(10));
        OptionalLong copied = activity.writesSinceCreated(clone);

        // Assert
        assertFalse(copying.isPresent());
        assertEquals(OptionalLong.of(0), copied);
    }

    @Test
    void aMissingDatabaseOrServerIsAPermanentResourceNotFound() {
        // Act
        CloudException database = assertThrows(CloudException.class,
                () -> activity.writesSinceCreated(new DatabaseRef(serverId, "gone")));
        CloudException server = assertThrows(CloudException.class, () -> activity.writesSinceCreated(
                new DatabaseRef(serverId.replace("sql-prod", "sql-other"), "cms")));

        // Assert
        assertEquals("ResourceNotFound", database.code());
        assertFalse(database.isTransient());
        assertEquals("Database sql-prod/gone does not exist", database.getMessage());
        assertEquals("ResourceNotFound", server.code());
    }
}
