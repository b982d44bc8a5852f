package io.smoothdeploy.local.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import io.smoothdeploy.engine.port.DeploymentStore;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {

    private static List<Boolean> run(FaultInjector faults, int deliveries, int pointsPerDelivery) {
        List<Boolean> crashed = new ArrayList<>();
        for (int d = 1; d <= deliveries; d++) {
            try (FaultInjector.Delivery ignored = faults.enterDelivery("q", "m" + d, 1)) {
                for (int p = 0; p < pointsPerDelivery; p++) {
                    try {
                        faults.reached(CrashPoint.AFTER_CLOUD_CALL, "op");
                        crashed.add(false);
                    } catch (InjectedCrash crash) {
                        crashed.add(true);
                    }
                }
            }
        }
        return crashed;
    }

    @Test
    void occurrencesAreNumberedPerDeliveryAndGlobally() {
        // Arrange
        FaultInjector faults = new FaultInjector().crash(CrashRule.at(CrashPoint.AFTER_CLOUD_CALL).globalOccurrence(5));

        // Act
        List<Boolean> crashed = run(faults, 2, 3);

        // Assert
        assertEquals(List.of(false, false, false, false, true, false), crashed);
        FaultInjector.Occurrence crash = faults.injected().get(0);
        assertEquals(2, crash.occurrenceInDelivery());
        assertEquals(5, crash.globalOccurrence());
        assertEquals("m2", crash.messageId());
    }

    @Test
    void aRuleFiresOnceUnlessToldOtherwise() {
        // Arrange
        FaultInjector once = new FaultInjector().crash(CrashRule.at(CrashPoint.AFTER_CLOUD_CALL).occurrence(1));
        FaultInjector twice = new FaultInjector().crash(CrashRule.at(CrashPoint.AFTER_CLOUD_CALL).occurrence(1).times(2));

        // Act
        List<Boolean> a = run(once, 3, 1);
        List<Boolean> b = run(twice, 3, 1);

        // Assert
        assertEquals(List.of(true, false, false), a);
        assertEquals(List.of(true, true, false), b);
    }

    @Test
    void aSeededRandomPlanIsReproducibleAndCountsItsCrashes() {
        // Arrange
        FaultInjector first = new FaultInjector().crashRandomly(new Random(42), 0.3);
        FaultInjector second = new FaultInjector().crashRandomly(new Random(42), 0.3);
        FaultInjector other = new FaultInjector().crashRandomly(new Random(43), 0.3);

        // Act
        List<Boolean> a = run(first, 20, 5);
        List<Boolean> b = run(second, 20, 5);
        List<Boolean> c = run(other, 20, 5);

        // Assert
        assertEquals(a, b);
        assertNotEquals(a, c);
        long crashes = a.stream().filter(x -> x).count();
        assertEquals(crashes, first.crashesInjected(CrashPoint.AFTER_CLOUD_CALL));
        assertTrue(crashes > 10 && crashes < 50, "about 30 of 100: " + crashes);
        assertEquals(Map.of(CrashPoint.AFTER_CLOUD_CALL, (int) crashes), first.crashesInjected());
    }

    @Test
    void randomCrashesOnlyAtTheChosenPointsAndUpToTheLimit() {
        // Arrange
        FaultInjector faults = new FaultInjector().crashRandomly(new Random(1), 1.0, CrashPoint.AFTER_SEND).maxCrashes(2);

        // Act
        List<Boolean> cloud = run(faults, 3, 1);
        int sendCrashes = 0;
        for (int i = 0; i < 5; i++) {
            try (FaultInjector.Delivery ignored = faults.enterDelivery("q", "s" + i, 1)) {
                faults.reached(CrashPoint.AFTER_SEND, "send");
            } catch (InjectedCrash crash) {
                sendCrashes++;
            }
        }

        // Assert
        assertEquals(List.of(false, false, false), cloud);
        assertEquals(2, sendCrashes);
    }

    @Test
    void anInjectedCrashIsAnErrorNamingItsPoint() {
        // Arrange
        FaultInjector faults = new FaultInjector().crash(CrashRule.at(CrashPoint.AFTER_SEND));

        // Act
        InjectedCrash crash = assertThrows(InjectedCrash.class, () -> {
            try (FaultInjector.Delivery ignored = faults.enterDelivery("clone-db", "m1", 2)) {
                faults.reached(CrashPoint.AFTER_SEND, "send");
            }
        });

        // Assert
        assertTrue(Error.class.isAssignableFrom(InjectedCrash.class));
        assertFalse(RuntimeException.class.isAssignableFrom(InjectedCrash.class));
        assertEquals(CrashPoint.AFTER_SEND, crash.point());
        assertTrue(crash.description().contains("m1") && crash.description().contains("delivery 2"), crash.description());
    }

    @Test
    void theStoreWrapperCrashesAfterEveryWriteMethodAndNoReadMethod() throws Exception {
        // Arrange
        FaultInjector faults = new FaultInjector().crashRandomly(new Random(0), 1.0, CrashPoint.AFTER_STATE_COMMIT);
        DeploymentStore store = CrashingPorts.store(mock(DeploymentStore.class), faults);
        List<String> crashedAfter = new ArrayList<>();

        // Act
        for (Method method : DeploymentStore.class.getMethods()) {
            Object[] args = Arrays.stream(method.getParameterTypes()).map(FaultInjectorTest::defaultValue).toArray();
            try (FaultInjector.Delivery ignored = faults.enterDelivery("q", "m", 1)) {
                method.invoke(store, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof InjectedCrash) {
                    crashedAfter.add(method.getName());
                } else {
                    throw e;
                }
            }
        }

        // Assert
        assertEquals(CrashingPorts.storeWriteMethods(), crashedAfter.stream().distinct().sorted().toList());
        assertTrue(crashedAfter.containsAll(List.of("commit", "createDeployment", "saveEnvironment")), crashedAfter.toString());
        assertFalse(crashedAfter.contains("load") || crashedAfter.contains("findEnvironment")
                || crashedAfter.contains("readLog"), crashedAfter.toString());
    }

    private static Object defaultValue(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == int.class) {
            return 0;
        }
        return type == double.class ? 0.0 : (Object) (byte) 0;
    }
}
