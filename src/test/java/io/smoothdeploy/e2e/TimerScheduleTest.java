package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothdeploy.engine.steps.Pacing;
import io.smoothdeploy.local.LocalStack;
import io.smoothdeploy.local.NcrontabSchedule;
import io.smoothdeploy.local.SimulatedCloud;
import io.smoothdeploy.testing.QueueSettings;
import io.smoothdeploy.testing.SampleCloud;
import io.smoothdeploy.testing.TestAzurite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The local host runs the stale-maintenance timer on its NCRONTAB schedule, in virtual time and live. */
class TimerScheduleTest {

    private static final String TIMER = "StaleMaintenanceTimer";

    @Test
    void aVirtualTimeRunFiresTheTimerAtEachOccurrenceItPassesOver() {
        io.smoothdeploy.local.ManualClock clock = new io.smoothdeploy.local.ManualClock(Instant.parse("2026-11-23T09:00:00Z"));
        SimulatedCloud cloud = new SimulatedCloud(clock, Duration.ofMinutes(12));
        SampleCloud.seed(cloud);
        Map<String, String> settings = QueueSettings.sample();
        try (LocalStack stack = SampleCloud.startLocalHost(cloud, clock, settings)) {
            // Arrange: a database copy of 12 minutes, checked again by scheduled messages
            ApiClient api = new ApiClient(stack.apiBase());
            NcrontabSchedule schedule = NcrontabSchedule.parse(settings.get("StaleMaintenanceSchedule"));
            Instant start = clock.instant();
            assertEquals(201, api.put("/environments/prod", LocalHostHarness.environmentBody(true)).status());
            assertEquals(202, api.post("/deployments", LocalHostHarness.startBody("prod", LocalHostHarness.NEW_PACKAGE,
                    null)).status());

            // Act
            stack.queue().runUntilIdle(Duration.ofHours(2));

            // Assert
            Instant end = clock.instant();
            int expected = 0;
            for (Instant t = schedule.nextAfter(start); !t.isAfter(end); t = schedule.nextAfter(t)) {
                expected++;
            }
            assertTrue(expected >= 2, "the deployment ran over occurrences: " + start + " to " + end);
            assertEquals(expected, stack.timerScheduler().firedCount(TIMER));
            stack.timerScheduler().fired().forEach(f -> assertEquals(null, f.failure(), f.toString()));
            stack.timerScheduler().fired().forEach(f -> assertEquals(f.scheduledFor(), f.at(), "fired on time"));
        }
    }

    @Test
    void theLiveLocalHostFiresTheTimerOnTheSystemClock() throws Exception {
        // Arrange
        SimulatedCloud cloud = new SimulatedCloud(Clock.systemUTC(), Duration.ofSeconds(1));
        SampleCloud.seed(cloud);
        Map<String, String> settings = QueueSettings.sample();
        settings.put("StaleMaintenanceSchedule", "* * * * * *");
        settings.put("StateTableName", TestAzurite.uniqueTableName("state"));
        settings.put("DeploymentIndexTableName", TestAzurite.uniqueTableName("index"));
        try (LocalStack stack = LocalStack.start(TestAzurite.serviceClient(), settings, cloud, Clock.systemUTC(),
                Pacing.DEFAULT, 0)) {
            CountDownLatch fired = new CountDownLatch(2);
            stack.timerScheduler().onFired(firing -> fired.countDown());

            // Act
            stack.startLive(1);
            boolean twice = fired.await(10, TimeUnit.SECONDS);

            // Assert
            assertTrue(twice, "fired: " + stack.timerScheduler().fired());
            stack.timerScheduler().fired().forEach(f -> assertEquals(null, f.failure(), f.toString()));
        }
    }
}
