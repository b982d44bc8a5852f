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

    EmulatedDatabase(Object lock, Clock clock, String name, String location) {
        this.lock = lock;
        this.clock = clock;
        this.name = name;
        this.location = location;
        this.createdAt = clock.instant();
        this.status = "Online";
        this.readyAt = createdAt;
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
                status = "Online";
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

    String createMode() {
        return createMode;
    }

    String sourceDatabaseId() {
        return sourceDatabaseId;
    }

    /** Becomes the target of a copy or restore of {@code source}, holding the rows written up to {@code upTo}. */
    void createFrom(EmulatedDatabase source, String mode, String sourceId, Instant upTo, Instant doneAt) {
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
        return renamed;
    }
}
