package io.smoothdeploy.app;

import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How the Functions Java worker builds our function classes: each takes the {@link Orchestrator}, which is
 * built once per worker process from the app settings (environment variables) and shared by every call.
 * Registered in META-INF/services.
 */
public final class OrchestratorInjector implements FunctionInstanceInjector {

    private static final Object LOCK = new Object();
    private static volatile Orchestrator shared;

    private final Supplier<Map<String, String>> settings;

    public OrchestratorInjector() {
        this(System::getenv);
    }

    OrchestratorInjector(Supplier<Map<String, String>> settings) {
        this.settings = settings;
    }

    @Override
    public <T> T getInstance(Class<T> functionClass) throws Exception {
        return functionClass.getConstructor(Orchestrator.class).newInstance(orchestrator());
    }

    private Orchestrator orchestrator() {
        Orchestrator built = shared;
        if (built == null) {
            synchronized (LOCK) {
                built = shared;
                if (built == null) {
                    built = AzureComposition.build(settings.get());
                    shared = built;
                }
            }
        }
        return built;
    }

    /** The shared graph, or null before the first function instance (tests only). */
    static Orchestrator current() {
        return shared;
    }

    /** Forgets the shared graph (tests only). */
    static void reset() {
        synchronized (LOCK) {
            shared = null;
        }
    }
}
