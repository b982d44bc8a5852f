package io.smoothdeploy.engine;

import static io.smoothdeploy.engine.Snapshots.T0;
import static io.smoothdeploy.engine.Snapshots.deployment;
import static io.smoothdeploy.engine.Snapshots.snapshot;
import static io.smoothdeploy.engine.Snapshots.webApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {

    @Test
    void startTakesTheHoldAndSendsTheCloneStep() {
        // Arrange
        EnvironmentRecord environment = new EnvironmentRecord(Snapshots.environment("cms", "scheduler"), null, null, "e1");
        StartRequest request = new StartRequest("prod", "https://p.example.com/app.zip?sv=1&sig=SECRET", "ab".repeat(32),
                DeploymentMode.READ_ONLY, "run-42");

        // Act
        Decision decision = Commands.start(environment, request, "d7", T0);

        // Assert
        assertEquals("d7", decision.environment().activeDeploymentId());
        assertEquals("e1", decision.environment().etag(), "the hold is conditional on the environment row read");
        assertEquals(2, decision.webApps().size());
        assertEquals(List.of("d7:VERIFY_PACKAGE:-:0"), decision.messages().stream().map(m -> m.message().messageId()).toList());
        assertFalse(decision.log().get(0).message().contains("SECRET"), "the SAS token stays out of the log");
    }

    @Test
    void resetWithDatabaseRollbackRestoresBeforeSwapping() {
        // Arrange
        DeploymentSnapshot snapshot = snapshot(deployment(DeploymentStatus.AWAITING_VERIFICATION, Stage.AWAIT_VERIFICATION),
                webApp("cms", WebAppPhase.WARMED_UP));

        // Act
        Decision decision = Commands.reset(snapshot, true, T0);

        // Assert
        assertEquals(Stage.RESET_RESTORE_DATABASE, decision.deployment().stage());
        assertEquals(DeploymentStatus.RESETTING, decision.deployment().status());
        assertTrue(decision.deployment().rollbackDatabase());
        assertEquals(List.of("d1.r1:RESET_RESTORE_DATABASE:-:0"), // a Reset is an attempt of its own: round 1
                decision.messages().stream().map(m -> m.message().messageId()).toList());
    }

    @Test
    void completeIsOnlyAllowedWhileAwaitingVerification() {
        assertFalse(Commands.allows(deployment(DeploymentStatus.IN_PROGRESS, Stage.WARM_UP), "complete"));
        assertTrue(Commands.allows(deployment(DeploymentStatus.AWAITING_VERIFICATION, Stage.AWAIT_VERIFICATION), "complete"));
        assertFalse(Commands.allows(deployment(DeploymentStatus.SUCCEEDED, Stage.FINISHED), "reset"));
    }

    @Test
    void redactionKeepsThePathAndDropsTheQuery() {
        assertEquals("https://acct.blob.core.windows.net/pkgs/app.zip?<redacted>",
                Redact.uri("https://acct.blob.core.windows.net/pkgs/app.zip?sv=2024&sig=abc%2F"));
        assertEquals("<redacted>", Redact.uri("not a uri with spaces"));
    }

    @Test
    void connectionStringIsPointedAtAnotherDatabase() {
        String original = "Server=tcp:sql1.database.windows.net,1433;Initial Catalog=cmsdb;Authentication=Active Directory Default";
        assertEquals("Server=tcp:sql1.database.windows.net,1433;Initial Catalog=cmsdb-clone;Authentication=Active Directory Default",
                ConnectionStrings.withDatabase(original, "cmsdb-clone").orElseThrow());
        assertTrue(ConnectionStrings.withDatabase("Server=x", "y").isEmpty());
    }
}
