package io.smoothdeploy.cloud.sql;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import io.smoothdeploy.engine.port.DatabaseActivity;
import io.smoothdeploy.engine.port.DatabaseRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The database activity port on Azure SQL: signs in to {@code <server>.database.windows.net} with an Entra
 * access token (the orchestrator's managed identity, through a {@link TokenCredential}) and asks the database
 * how many rows its user tables have had inserted, updated and deleted, from
 * {@code sys.dm_db_index_operational_stats} (see {@link #WRITES_SQL}).
 *
 * <h2>A lower bound, not an exact count</h2>
 * Those counters live in memory. They start at zero when the database comes online (so a fresh copy starts at
 * zero, which is what we want), but they also go back to zero when the database restarts or fails over (a
 * service update, a scale operation, a serverless database pausing), and a table's counters go when its
 * metadata leaves the cache. So the answer is a lower bound: a positive count proves the database was written to,
 * but zero does not prove it was not. Only each table's heap or clustered index is counted (index 0 or 1), so a
 * row written to a table with several indexes counts once, not once per index; deletes that SQL Server marks
 * as ghost records first are counted through {@code leaf_ghost_count}, because {@code leaf_delete_count} leaves
 * them out.
 *
 * <h2>What it needs</h2>
 * The identity must be a user of the database ({@code CREATE USER [name] FROM EXTERNAL PROVIDER}) with
 * {@code VIEW DATABASE STATE}. Granting it on the production database is enough for the temporary clone, which is
 * a copy of it, users and permissions included. The server's firewall must let the function app in.
 *
 * <h2>Failures</h2>
 * The count is advice, so nothing here fails a deployment: when the token, the connection or the query fails
 * (including a database that is still being copied, or that is missing: Azure SQL answers the same
 * {@code Cannot open database} error, 4060, for a database that does not exist and for one the login may not
 * open, so there is no clear not-found to report), a warning is logged and the answer is empty. The warning
 * names the server and database and the SQL error number, never the token nor the server's message.
 */
public final class JdbcDatabaseActivity implements DatabaseActivity {

    private static final Logger LOG = Logger.getLogger(JdbcDatabaseActivity.class.getName());

    /** The token scope for Azure SQL Database. */
    public static final String TOKEN_SCOPE = "https://database.windows.net/.default";

    /** The DNS suffix of Azure SQL servers in Azure's public cloud. */
    public static final String PUBLIC_CLOUD_HOST_SUFFIX = ".database.windows.net";

    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Row modifications of the current database's user tables since its counters started: one row per partition
     * of each table's heap (index 0) or clustered index (index 1), so secondary indexes do not multiply the count.
     */
    public static final String WRITES_SQL = """
            SELECT COALESCE(SUM(s.leaf_insert_count + s.leaf_update_count + s.leaf_delete_count
                                + s.leaf_ghost_count), 0) AS writes
            FROM sys.dm_db_index_operational_stats(DB_ID(), NULL, NULL, NULL) AS s
            JOIN sys.objects AS o ON o.object_id = s.object_id
            WHERE o.is_ms_shipped = 0 AND o.type = 'U' AND s.index_id IN (0, 1)
            """;

    /** An Azure SQL server name: lower-case letters, digits and hyphens, not starting or ending with a hyphen. */
    private static final Pattern SERVER_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private final TokenCredential credential;
    private final String hostSuffix;
    private final Duration loginTimeout;
    private final Duration queryTimeout;

    /** Azure's public cloud, with the default timeouts. */
    public JdbcDatabaseActivity(TokenCredential credential) {
        this(credential, PUBLIC_CLOUD_HOST_SUFFIX, DEFAULT_LOGIN_TIMEOUT, DEFAULT_QUERY_TIMEOUT);
    }

    /**
     * @param hostSuffix   the servers' DNS suffix, such as {@code .database.windows.net}
     * @param loginTimeout the longest wait to connect and sign in (rounded up to whole seconds)
     * @param queryTimeout the longest wait for the count (rounded up to whole seconds)
     */
    public JdbcDatabaseActivity(TokenCredential credential, String hostSuffix, Duration loginTimeout,
                                Duration queryTimeout) {
        this.credential = Objects.requireNonNull(credential, "credential");
        this.hostSuffix = Objects.requireNonNull(hostSuffix, "hostSuffix");
        this.loginTimeout = Objects.requireNonNull(loginTimeout, "loginTimeout");
        this.queryTimeout = Objects.requireNonNull(queryTimeout, "queryTimeout");
    }

    /**
     * Makes the database read-only for good (it is the temporary clone, dropped after go-live): {@code ALTER
     * DATABASE CURRENT SET READ_ONLY WITH ROLLBACK IMMEDIATE}, which Azure SQL Database supports
     * (https://learn.microsoft.com/sql/t-sql/statements/alter-database-transact-sql-set-options, the
     * db_update_option). It needs ALTER on the database; see README, Operations.
     */
    public static final String STOP_WRITES_SQL = "ALTER DATABASE CURRENT SET READ_ONLY WITH ROLLBACK IMMEDIATE";

    @Override
    public OptionalLong writesSinceCreated(DatabaseRef database) {
        Connected connected = connect(database);
        if (connected.failure() != null) {
            return unreadable(database, connected.failure());
        }
        try (Connection connection = connected.connection();
             PreparedStatement statement = connection.prepareStatement(WRITES_SQL)) {
            statement.setQueryTimeout(seconds(queryTimeout));
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return unreadable(database, "the write count query answered no row");
                }
                long writes = result.getLong(1);
                return result.wasNull() ? OptionalLong.of(0) : OptionalLong.of(writes);
            }
        } catch (SQLException e) {
            return unreadable(database, sqlError(e));
        } catch (RuntimeException e) {
            return unreadable(database, e.getClass().getSimpleName());
        }
    }

    @Override
    public boolean stopWrites(DatabaseRef database) {
        Connected connected = connect(database);
        if (connected.failure() != null) {
            return unstoppable(database, connected.failure());
        }
        try (Connection connection = connected.connection();
             PreparedStatement statement = connection.prepareStatement(STOP_WRITES_SQL)) {
            statement.setQueryTimeout(seconds(queryTimeout));
            statement.execute();
            return true;
        } catch (SQLException e) {
            return unstoppable(database, sqlError(e));
        } catch (RuntimeException e) {
            return unstoppable(database, e.getClass().getSimpleName());
        }
    }

    /** A connection signed in to the database, or why there is none. */
    private record Connected(Connection connection, String failure) {
    }

    private Connected connect(DatabaseRef database) {
        String host;
        try {
            host = serverHost(database.serverResourceId(), hostSuffix);
        } catch (IllegalArgumentException e) {
            return new Connected(null, e.getMessage());
        }
        String token;
        try {
            AccessToken accessToken = credential.getTokenSync(new TokenRequestContext().addScopes(TOKEN_SCOPE));
            token = accessToken == null ? null : accessToken.getToken();
        } catch (RuntimeException e) {
            // An identity library's message can quote its configuration; the class says enough.
            return new Connected(null, "no access token for Azure SQL (" + e.getClass().getSimpleName() + ")");
        }
        if (token == null || token.isEmpty()) {
            return new Connected(null, "no access token for Azure SQL");
        }
        SQLServerDataSource source = new SQLServerDataSource();
        source.setServerName(host);
        source.setPortNumber(1433);
        source.setDatabaseName(database.name());
        source.setAccessToken(token);
        source.setEncrypt("true");
        source.setTrustServerCertificate(false);
        source.setHostNameInCertificate("*" + hostSuffix);
        source.setLoginTimeout(seconds(loginTimeout));
        source.setApplicationName("smooth-deploy");
        try {
            return new Connected(source.getConnection(), null);
        } catch (SQLException e) {
            return new Connected(null, sqlError(e));
        } catch (RuntimeException e) {
            return new Connected(null, e.getClass().getSimpleName());
        }
    }

    private static String sqlError(SQLException e) {
        return "SQL error " + e.getErrorCode() + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")");
    }

    private static boolean unstoppable(DatabaseRef database, String reason) {
        LOG.warning(() -> "Cannot make database " + database + " read-only: " + reason
                + "; writes to it may still come while the sites go live");
        return false;
    }

    /**
     * The host name of the logical server an ARM resource id names:
     * {@code /subscriptions/…/providers/Microsoft.Sql/servers/cms-sql} gives {@code cms-sql.database.windows.net}.
     *
     * @throws IllegalArgumentException when the id's last segment is not an Azure SQL server name
     */
    public static String serverHost(String serverResourceId) {
        return serverHost(serverResourceId, PUBLIC_CLOUD_HOST_SUFFIX);
    }

    static String serverHost(String serverResourceId, String hostSuffix) {
        if (serverResourceId == null) {
            throw new IllegalArgumentException("no SQL server resource id");
        }
        String id = serverResourceId.strip();
        while (id.endsWith("/")) {
            id = id.substring(0, id.length() - 1);
        }
        String name = id.substring(id.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (!SERVER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an Azure SQL server name");
        }
        return name + hostSuffix;
    }

    private static int seconds(Duration duration) {
        long millis = Math.max(1, duration.toMillis());
        return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
    }

    private static OptionalLong unreadable(DatabaseRef database, String reason) {
        LOG.warning(() -> "Cannot read how many writes reached database " + database + ": " + reason
                + "; writes made there during the deployment cannot be reported");
        return OptionalLong.empty();
    }
}
