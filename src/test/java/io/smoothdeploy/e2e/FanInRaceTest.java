package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothdeploy.engine.Commands;
import io.smoothdeploy.engine.DatabaseConfig;
import io.smoothdeploy.engine.Decision;
import io.smoothdeploy.engine.DeploymentMode;
import io.smoothdeploy.engine.DeploymentSnapshot;
import io.smoothdeploy.engine.EnvironmentConfig;
import io.smoothdeploy.engine.EnvironmentRecord;
import io.smoothdeploy.engine.LogLine;
import io.smoothdeploy.engine.OutgoingMessage;
import io.smoothdeploy.engine.Stage;
import io.smoothdeploy.engine.StartRequest;
import io.smoothdeploy.engine.StepMessage;
import io.smoothdeploy.engine.StepOutcome;
import io.smoothdeploy.engine.StatusNotifications;
import io.smoothdeploy.engine.StepRunner;
import io.smoothdeploy.engine.Steps;
import io.smoothdeploy.engine.Transitions;
import io.smoothdeploy.engine.WebAppConfig;
import io.smoothdeploy.engine.WebAppRole;
import io.smoothdeploy.local.ManualClock;
import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.state.TableDeploymentStore;
import io.smoothdeploy.testing.TestAzurite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The last two web apps of a stage finish at the same moment on two threads (two function instances).
 * Both read the state before either writes; the deployment row's ETag lets exactly one advance it.
 */
class FanInRaceTest {

    private static final int ROUNDS = 25;
    private static final String SITES = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
            + "/providers/Microsoft.Web/sites/";

    private final TableDeploymentStore store = TestAzurite.newStore().store();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void lastTwoWebAppsFinishingTogetherAdvanceTheDeploymentExactlyOnce() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // Arrange: a deployment in enter-maintenance, both web apps still working
            String environment = "race-" + round;
            String deploymentId = "d-race-" + round;
            startAtEnterMaintenance(environment, deploymentId);
            List<OutgoingMessage> sent = Collections.synchronizedList(new ArrayList<>());
            StepQueue queue = sent::addAll;
            CyclicBarrier bothHaveRead = new CyclicBarrier(2);
            Steps finishTogether = (snapshot, message) -> {
                await(bothHaveRead);
                return StepOutcome.advance("Site " + message.webApp() + " is in maintenance");
            };
            StepRunner runner = new StepRunner(store, queue, finishTogether, clock,
                    new StatusNotifications(store, (url, notification) -> true, clock));

            // Act
            Future<?> cms = threads.submit(() -> runner.handle(message(environment, deploymentId, "cms")));
            Future<?> commerce = threads.submit(() -> runner.handle(message(environment, deploymentId, "commerce")));
            cms.get(30, TimeUnit.SECONDS);
            commerce.get(30, TimeUnit.SECONDS);

            // Assert
            DeploymentSnapshot after = store.load(deploymentId).orElseThrow();
            assertEquals(Stage.DEPLOY_SLOT, after.deployment().stage(), "round " + round);
            List<String> log = store.readLog(deploymentId).stream().map(LogLine::message).toList();
            assertEquals(1, log.stream().filter("All sites in this deployment are now in maintenance mode"::equals)
                    .count(), "round " + round + ": " + log);
            assertEquals(List.of(deploymentId + ":DEPLOY_SLOT:cms:0", deploymentId + ":DEPLOY_SLOT:commerce:0"),
                    sent.stream().map(m -> m.message().messageId()).sorted().toList(), "round " + round);
        }
    }

    private void startAtEnterMaintenance(String environment, String deploymentId) {
        EnvironmentConfig config = new EnvironmentConfig(environment, List.of(webApp("cms"), webApp("commerce")),
                new DatabaseConfig("/subscriptions/0/resourceGroups/rg/providers/Microsoft.Sql/servers/sql", "db"),
                "EPiServerDB", "Cms__DatabaseMode", null, null);
        EnvironmentRecord registered = store.saveEnvironment(config, null);
        Decision start = Commands.start(registered, new StartRequest(environment, "https://p.example.com/app.zip",
                "ab".repeat(32), DeploymentMode.READ_ONLY, null), deploymentId, clock.instant());
        store.createDeployment(start.environment(), start.deployment(), start.webApps(), start.log());
        DeploymentSnapshot started = store.load(deploymentId).orElseThrow();
        store.commit(Transitions.decide(started, new StepMessage(deploymentId, environment, Stage.VERIFY_PACKAGE, null,
                0), StepOutcome.advance("package verified"), clock.instant()));
        DeploymentSnapshot verified = store.load(deploymentId).orElseThrow();
        store.commit(Transitions.decide(verified, new StepMessage(deploymentId, environment, Stage.CLONE_DB, null, 0),
                StepOutcome.advance("clone online"), clock.instant()));
        // The messages these decisions wrote to the outbox count as sent: only the race's own sends are asserted.
        store.clearOutbox(deploymentId, store.load(deploymentId).orElseThrow().outbox());
    }

    private static WebAppConfig webApp(String name) {
        return new WebAppConfig(name, SITES + name, WebAppRole.ZERO_DOWNTIME, "staging", "maintenance",
                new WebAppConfig.WarmUpConfig(List.of(), List.of("/"), List.of()));
    }

    private static StepMessage message(String environment, String deploymentId, String webApp) {
        return new StepMessage(deploymentId, environment, Stage.ENTER_MAINTENANCE, webApp, 0);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other web app never read the state", e);
        }
    }
}
