package io.smoothdeploy.local.emulator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An Azure SQL database: a status and an append-only list of timestamped rows, enough to tell a copy from
 * its source and to make a point-in-time restore meaningful. Thread-safe (it shares the emulator's lock).
 */
public final class EmulatedDatabase {

    /** One write: what was written and when, on the emulator's clock. */
    public record Row(Instant writtenAt, String value) {
    }

    private final Object lock;
    private final Clock clock;
    private final String name;
    private final String location;
    private final List<Row> rows = new ArrayList<>();
    /** Writes made to this database itself; rows a copy or restore brought from its source are not among them. */
    private long writesSinceCreated;
    private boolean readOnly;
    private final Instant createdAt;
    private String status;
    private Instant readyAt;
    private String createMode;
    private String sourceDatabaseId;
    /**
     * The SKU ARM reports ({@code sku.name}, {@code sku.tier}) and the elastic pool the database sits in (null: none).
     * A copy or restore gets these only when its PUT names them; otherwise it gets the emulator's default, never
     * its source's (stricter than the portal, which offers the source's; Databases_CreateOrUpdate takes {@code sku}
     * and {@code properties.elasticPoolId} as the target's own:
     * https://learn.microsoft.com/rest/api/sql/databases/create-or-update).
     */
    private String skuName = DEFAULT_SKU_NAME;
    private String skuTier = DEFAULT_SKU_TIER;
    private String elasticPoolId;
    /**
     * The earliest point a point-in-time restore can go back to ({@code properties.earliestRestoreDate} of
     * Databases_Get). A database can be restored only once its first full backup exists, which Azure schedules at
     * creation and which usually takes about half an hour
     * (https://learn.microsoft.com/azure/azure-sql/database/automated-backups-overview#backup-frequency), so it is
     * {@link #FIRST_BACKUP} after creation. A rename keeps it (the backups belong to the database, not its name).
     */
    private Instant earliestRestoreDate;
    /** The status a copy or restore ends in: {@code Online}, or a failure word set by the emulator's knob. */
    private String copyOutcome = "Online";
    /** When the drop a {@code DELETE} started is over (null: not being dropped); until then the database is listed. */
    private Instant droppedAt;

    /** The SKU a database gets when its create request names none (the emulator's default; not its source's). */
    public static final String DEFAULT_SKU_NAME = "GP_Gen5_2";
    public static final String DEFAULT_SKU_TIER = "GeneralPurpose";
    /** How long after creation the first backup makes a database restorable. */
    public static final java.time.Duration FIRST_BACKUP = java.time.Duration.ofMinutes(30);

    EmulatedDatabase(Object lock, Clock clock, String name, String location) {
        this.lock = lock;
        this.clock = clock;
        this.name = name;
        this.location = location;
        this.createdAt = clock.instant();
        this.status = "Online";
        this.readyAt = createdAt;
        this.earliestRestoreDate = createdAt.plus(FIRST_BACKUP);
    }

    public String skuName() {
        synchronized (lock) {
            return skuName;
        }
    }

    public String skuTier() {
        synchronized (lock) {
            return skuTier;
        }
    }

    /** The elastic pool's resource id, or null when the database is not in a pool. */
    public String elasticPoolId() {
        synchronized (lock) {
            return elasticPoolId;
        }
    }

    /** Sets the SKU and the elastic pool (null: none), as a database created in them would have. */
    public void setSku(String name, String tier, String elasticPoolId) {
        synchronized (lock) {
            this.skuName = name;
            this.skuTier = tier;
            this.elasticPoolId = elasticPoolId;
        }
    }

    public Instant earliestRestoreDate() {
        synchronized (lock) {
            return earliestRestoreDate;
        }
    }

    /**
     * Moves the earliest restore point, as for a database that has existed (and been backed up) for longer than
     * the emulator has run. Tests that restore a database the emulator has just added use it.
     */
    public void setEarliestRestoreDate(Instant earliestRestoreDate) {
        synchronized (lock) {
            this.earliestRestoreDate = earliestRestoreDate;
        }
    }

    public String name() {
        return name;
    }

    public String location() {
        return location;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /**
     * Appends a row written now (on the emulator's clock).
     *
     * @throws IllegalStateException when the database is read-only: SQL Server refuses the write with error
     *     3906, "Failed to update database because the database is read-only"
     *     (https://learn.microsoft.com/sql/relational-databases/errors-events/database-engine-events-and-errors-3000-to-3999)
     */
    public void insert(String value) {
        synchronized (lock) {
            if (readOnly) {
                throw new IllegalStateException("Failed to update database \"" + name + "\" because the database is "
                        + "read-only.");
            }
            rows.add(new Row(clock.instant(), value));
            writesSinceCreated++;
        }
    }

    /** {@code ALTER DATABASE ... SET READ_ONLY}: every later write fails. */
    public void makeReadOnly() {
        synchronized (lock) {
            readOnly = true;
        }
    }

    public boolean readOnly() {
        synchronized (lock) {
            return readOnly;
        }
    }

    public List<Row> rows() {
        synchronized (lock) {
            return List.copyOf(rows);
        }
    }

    /** The row values in write order. */
    public List<String> values() {
        synchronized (lock) {
            return rows.stream().map(Row::value).toList();
        }
    }

    /**
     * How many writes the database holds, including those a copy or restore brought from its source; see
     * {@link #writesSinceCreated} for its own.
     */
    public int writeCount() {
        synchronized (lock) {
            return rows.size();
        }
    }

    /**
     * How many writes reached this database since it was created, as Azure SQL's operational statistics count
     * them: a copy or restore starts at zero, however many rows it brought along; a rename keeps the count.
     */
    public long writesSinceCreated() {
        synchronized (lock) {
            return writesSinceCreated;
        }
    }

    /**
     * The database's status word as ARM reports it: {@code Copying} or {@code Restoring} until the copy or
     * restore that creates it is done, then {@code Online}, unless a test set another one.
     */
    public String status() {
        synchronized (lock) {
            if (!clock.instant().isBefore(readyAt) && ("Copying".equals(status) || "Restoring".equals(status))) {
                status = copyOutcome;
            }
            return status;
        }
    }

    /** Forces a status word (for example {@code Suspect}) to test how a client reads it. */
    public void setStatus(String status) {
        synchronized (lock) {
            this.status = status;
            this.readyAt = clock.instant();
        }
    }

    /** True once the copy or restore that creates the database is done. */
    public boolean ready() {
        synchronized (lock) {
            return !clock.instant().isBefore(readyAt);
        }
    }

    Instant readyAt() {
        return readyAt;
    }

    /**
     * Starts dropping the database, over at {@code at}; a drop already under way keeps its end. Until then
     * Databases_Get still finds it (the drop runs in the background, as Databases_Delete's 202 says).
     */
    void beginDrop(Instant at) {
        synchronized (lock) {
            if (droppedAt == null) {
                droppedAt = at;
            }
        }
    }

    /** True while a drop is under way. */
    boolean dropping() {
        synchronized (lock) {
            return droppedAt != null && clock.instant().isBefore(droppedAt);
        }
    }

    /** True once a drop is over: the database no longer exists. */
    boolean dropped() {
        synchronized (lock) {
            return droppedAt != null && !clock.instant().isBefore(droppedAt);
        }
    }

    String createMode() {
        return createMode;
    }

    String sourceDatabaseId() {
        return sourceDatabaseId;
    }

    /** Becomes the target of a copy or restore of {@code source}, holding the rows written up to {@code upTo}. */
    void createFrom(EmulatedDatabase source, String mode, String sourceId, Instant upTo, Instant doneAt,
                    String outcome) {
        this.copyOutcome = outcome;
        this.createMode = mode;
        this.sourceDatabaseId = sourceId;
        this.status = "PointInTimeRestore".equalsIgnoreCase(mode) ? "Restoring" : "Copying";
        this.readyAt = doneAt;
        for (Row row : source.rows) {
            if (upTo == null || !row.writtenAt().isAfter(upTo)) {
                rows.add(row);
            }
        }
    }

    /** The same database under another name (rows, status and history kept). */
    EmulatedDatabase renamed(String newName) {
        EmulatedDatabase renamed = new EmulatedDatabase(lock, clock, newName, location);
        renamed.rows.addAll(rows);
        renamed.writesSinceCreated = writesSinceCreated;
        renamed.status = status;
        renamed.readyAt = readyAt;
        renamed.createMode = createMode;
        renamed.sourceDatabaseId = sourceDatabaseId;
        renamed.skuName = skuName;
        renamed.skuTier = skuTier;
        renamed.elasticPoolId = elasticPoolId;
        renamed.earliestRestoreDate = earliestRestoreDate;
        renamed.copyOutcome = copyOutcome;
        return renamed;
    }
}
