package io.smoothdeploy.local.emulator;

import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.DatabaseRef;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * The database activity port on the local Azure emulator: the count of {@link EmulatedDatabase#insert writes}
 * the database received itself ({@link EmulatedDatabase#writesSinceCreated}), so a fresh copy answers zero and
 * every row the live site writes to the clone during a deployment adds one.
 *
 * <p>As in Azure, where nobody can sign in to a database that is still being copied or restored, such a
 * database answers empty (with a warning) rather than zero; a database that does not exist is a
 * {@code ResourceNotFound} {@link CloudException}.
 */
public final class EmulatorDatabaseActivity implements DatabaseActivity {

    private static final Logger LOG = Logger.getLogger(EmulatorDatabaseActivity.class.getName());

    private final AzureEmulator emulator;

    public EmulatorDatabaseActivity(AzureEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public OptionalLong writesSinceCreated(DatabaseRef database) {
        Optional<EmulatedDatabase> found = emulator.findDatabase(database.serverResourceId(), database.name());
        if (found.isEmpty()) {
            throw new CloudException("ResourceNotFound", "Database " + database + " does not exist", false);
        }
        EmulatedDatabase emulated = found.get();
        if (!emulated.ready()) {
            LOG.warning(() -> "Cannot read the write count of database " + database + ": it is "
                    + emulated.status());
            return OptionalLong.empty();
        }
        return OptionalLong.of(emulated.writesSinceCreated());
    }

    /** Like {@code ALTER DATABASE ... SET READ_ONLY}: later writes fail (see {@link EmulatedDatabase#insert}). */
    @Override
    public boolean stopWrites(DatabaseRef database) {
        Optional<EmulatedDatabase> found = emulator.findDatabase(database.serverResourceId(), database.name());
        if (found.isEmpty() || !found.get().ready()) {
            LOG.warning(() -> "Cannot make database " + database + " read-only: it is "
                    + found.map(EmulatedDatabase::status).orElse("missing"));
            return false;
        }
        found.get().makeReadOnly();
        return true;
    }
}
