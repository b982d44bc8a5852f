package io.smoothdeploy.testing;

import com.azure.core.util.Context;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.smoothdeploy.local.Azurite;
import io.smoothdeploy.state.TableDeploymentStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One Azurite Table service for the whole test JVM: started on first use, stopped when the JVM exits.
 * Tests stay independent by using fresh tables: {@link #newStore()} or {@link #uniqueTableName(String)}.
 *
 * <pre>{@code
 * TestAzurite.Tables tables = TestAzurite.newStore();
 * DeploymentStore store = tables.store();
 * ...
 * assertEquals(0, tables.countStateRows());   // bad input wrote nothing
 * }</pre>
 */
public final class TestAzurite {

    private static Azurite azurite;
    private static TableServiceClient service;

    private TestAzurite() {
    }

    /** The shared Azurite, started on first use. */
    public static synchronized Azurite azurite() {
        if (azurite == null || !azurite.isRunning()) {
            Azurite started = Azurite.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-azurite-shutdown"));
            azurite = started;
            service = null;
        }
        return azurite;
    }

    /** The shared Azurite's connection string (development account; do not print it). */
    public static String connectionString() {
        return azurite().connectionString();
    }

    /** A Table service client on the shared Azurite. */
    public static synchronized TableServiceClient serviceClient() {
        Azurite running = azurite();
        if (service == null) {
            service = new TableServiceClientBuilder().connectionString(running.connectionString()).buildClient();
        }
        return service;
    }

    /** A table name no other test uses: {@code prefix} (letters and digits) plus a random suffix. */
    public static String uniqueTableName(String prefix) {
        String clean = prefix.replaceAll("[^A-Za-z0-9]", "");
        if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
            clean = "t" + clean;
        }
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        String name = clean + suffix;
        return name.length() > 63 ? name.substring(0, 51) + suffix : name;
    }

    /** A {@link TableDeploymentStore} on two new tables of the shared Azurite. */
    public static Tables newStore() {
        String stateTable = uniqueTableName("state");
        String indexTable = uniqueTableName("index");
        TableDeploymentStore store = TableDeploymentStore.create(serviceClient(), stateTable, indexTable);
        return new Tables(store, stateTable, indexTable);
    }

    /** Every row of a table. */
    public static List<TableEntity> rows(String tableName) {
        return query(tableName, null);
    }

    /** The rows of one partition of a table. */
    public static List<TableEntity> rows(String tableName, String partitionKey) {
        return query(tableName, "PartitionKey eq '" + partitionKey.replace("'", "''") + "'");
    }

    /** How many rows a table holds: to assert that a rejected request wrote nothing. */
    public static int countRows(String tableName) {
        return rows(tableName).size();
    }

    /** How many rows of a table have a RowKey that starts with {@code rowKeyPrefix} ({@code dep_}, {@code log_}...). */
    public static int countRows(String tableName, String rowKeyPrefix) {
        return (int) rows(tableName).stream().filter(e -> e.getRowKey().startsWith(rowKeyPrefix)).count();
    }

    private static List<TableEntity> query(String tableName, String filter) {
        List<TableEntity> rows = new ArrayList<>();
        serviceClient().getTableClient(tableName)
                .listEntities(new ListEntitiesOptions().setFilter(filter), null, Context.NONE)
                .forEach(rows::add);
        return rows;
    }

    /** A store on fresh tables, with the table names to inspect what it wrote. */
    public record Tables(TableDeploymentStore store, String stateTable, String indexTable) {

        /** Every row of the state table (all environments). */
        public int countStateRows() {
            return countRows(stateTable);
        }

        /** Rows of the state table whose RowKey starts with {@code rowKeyPrefix}. */
        public int countStateRows(String rowKeyPrefix) {
            return countRows(stateTable, rowKeyPrefix);
        }

        public int countIndexRows() {
            return countRows(indexTable);
        }

        public List<TableEntity> stateRows() {
            return rows(stateTable);
        }
    }
}
