package io.smoothdeploy.cloud.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.TokenCredential;
import io.smoothdeploy.engine.port.DatabaseRef;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The parts of the Azure SQL adapter that need no SQL Server: the host name, the query text, and the
 * unreadable-counter path. Reading a real count needs an Azure SQL database and is not tested here.
 */
class JdbcDatabaseActivityTest {

    private static final String SERVER_ID =
            "/subscriptions/00000000-0000-0000-0000-000000000004/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-prod";

    @Test
    void theServerHostIsTheResourceIdsLastSegmentUnderTheAzureSqlDomain() {
        assertEquals("sql-prod.database.windows.net", JdbcDatabaseActivity.serverHost(SERVER_ID));
        assertEquals("sql-prod.database.windows.net", JdbcDatabaseActivity.serverHost(SERVER_ID + "/"));
        assertEquals("sql-prod.database.windows.net",
                JdbcDatabaseActivity.serverHost(SERVER_ID.replace("sql-prod", "SQL-Prod")));
        assertEquals("sql-prod.database.chinacloudapi.cn",
                JdbcDatabaseActivity.serverHost(SERVER_ID, ".database.chinacloudapi.cn"));
    }

    @Test
    void aResourceIdWithoutAServerNameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> JdbcDatabaseActivity.serverHost(null));
        assertThrows(IllegalArgumentException.class, () -> JdbcDatabaseActivity.serverHost(""));
        assertThrows(IllegalArgumentException.class, () -> JdbcDatabaseActivity.serverHost("/servers/-bad"));
        assertThrows(IllegalArgumentException.class, () -> JdbcDatabaseActivity.serverHost("/servers/a.b"));
    }

    @Test
    void theQueryCountsInsertsUpdatesAndDeletesOfUserTablesOncePerRow() {
        String sql = JdbcDatabaseActivity.WRITES_SQL;
        assertTrue(sql.contains("sys.dm_db_index_operational_stats(DB_ID(), NULL, NULL, NULL)"), sql);
        assertTrue(sql.contains("leaf_insert_count + s.leaf_update_count + s.leaf_delete_count"), sql);
        assertTrue(sql.contains("o.is_ms_shipped = 0"), sql);
        assertTrue(sql.contains("s.index_id IN (0, 1)"), sql);
    }

    @Test
    void aCredentialThatCannotGiveATokenMakesTheCountUnreadableNotAnError() {
        // Arrange
        TokenCredential failing = context -> Mono.error(new IllegalStateException("no identity here"));
        JdbcDatabaseActivity activity = new JdbcDatabaseActivity(failing);

        // Act
        OptionalLong writes = activity.writesSinceCreated(new DatabaseRef(SERVER_ID, "cms-clone"));

        // Assert
        assertFalse(writes.isPresent());
    }

    @Test
    void aCredentialThatCannotGiveATokenCannotStopWritesAndSaysSo() {
        // Arrange
        TokenCredential failing = context -> Mono.error(new IllegalStateException("no identity here"));
        JdbcDatabaseActivity activity = new JdbcDatabaseActivity(failing);

        // Act
        boolean stopped = activity.stopWrites(new DatabaseRef(SERVER_ID, "cms-clone"));

        // Assert
        assertFalse(stopped);
        assertTrue(JdbcDatabaseActivity.STOP_WRITES_SQL.contains("SET READ_ONLY"), JdbcDatabaseActivity.STOP_WRITES_SQL);
    }
}
