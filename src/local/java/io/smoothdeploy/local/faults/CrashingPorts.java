package io.smoothdeploy.local.faults;

import io.smoothdeploy.engine.port.AppServiceCloud;
import io.smoothdeploy.engine.port.SqlCloud;
import io.smoothdeploy.engine.port.StepQueue;
import io.smoothdeploy.engine.port.DeploymentStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Delegating wrappers around the engine's ports that consult a {@link FaultInjector} after each call returns,
 * so a handler can die right after the cloud changed, a row was written or a message was sent.
 *
 * <p>Each wrapper is a {@link Proxy} over the port interface, so a method added to a port later is wrapped with
 * no change here: every {@link AppServiceCloud} and {@link SqlCloud} method reaches {@link CrashPoint#AFTER_CLOUD_CALL};
 * every {@link DeploymentStore} method that writes reaches {@link CrashPoint#AFTER_STATE_COMMIT} (a method is a
 * read when its name starts with one of {@link #STORE_READ_PREFIXES}; anything else counts as a write, the
 * harsher guess); every {@link StepQueue} method reaches {@link CrashPoint#AFTER_SEND}. A call that throws
 * reaches no crash point: its exception goes to the caller unchanged.
 */
public final class CrashingPorts {

    /** Store methods with these name prefixes read only; every other store method is treated as a write. */
    public static final List<String> STORE_READ_PREFIXES = List.of("find", "list", "load", "read", "get", "count",
            "exists", "query");

    private CrashingPorts() {
    }

    public static AppServiceCloud appService(AppServiceCloud delegate, FaultInjector faults) {
        return wrap(AppServiceCloud.class, delegate, faults, CrashPoint.AFTER_CLOUD_CALL, method -> true);
    }

    public static SqlCloud sql(SqlCloud delegate, FaultInjector faults) {
        return wrap(SqlCloud.class, delegate, faults, CrashPoint.AFTER_CLOUD_CALL, method -> true);
    }

    public static DeploymentStore store(DeploymentStore delegate, FaultInjector faults) {
        return wrap(DeploymentStore.class, delegate, faults, CrashPoint.AFTER_STATE_COMMIT, CrashingPorts::isStoreWrite);
    }

    public static StepQueue stepQueue(StepQueue delegate, FaultInjector faults) {
        return wrap(StepQueue.class, delegate, faults, CrashPoint.AFTER_SEND, method -> true);
    }

    /** Whether the store wrapper treats {@code method} as a write (a crash point after it). */
    public static boolean isStoreWrite(Method method) {
        String name = method.getName().toLowerCase(Locale.ROOT);
        return STORE_READ_PREFIXES.stream().noneMatch(name::startsWith);
    }

    /** The names of the {@link DeploymentStore} methods wrapped as writes, sorted. */
    public static List<String> storeWriteMethods() {
        return Arrays.stream(DeploymentStore.class.getMethods()).filter(CrashingPorts::isStoreWrite)
                .map(Method::getName).distinct().sorted().toList();
    }

    /**
     * Wraps any port interface: after each call of a method {@code crashesAfter} accepts returns normally,
     * {@code point} is reached.
     */
    public static <T> T wrap(Class<T> port, T delegate, FaultInjector faults, CrashPoint point,
                             Predicate<Method> crashesAfter) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(faults, "faults");
        if (!port.isInterface()) {
            throw new IllegalArgumentException(port + " is not an interface");
        }
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "Crashing" + port.getSimpleName() + "[" + delegate + "]";
                };
            }
            Object result;
            try {
                result = method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (crashesAfter.test(method)) {
                faults.reached(point, method.getName());
            }
            return result;
        };
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, handler));
    }
}
