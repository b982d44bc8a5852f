package io.smoothdeploy.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;

/**
 * The package rules of issue 14, written for any root package so that {@link ArchitectureTest} applies them to
 * the shipped code ({@code io.smoothdeploy}) and {@link PlantedViolationTest} to small fixtures that break
 * each of them on purpose.
 *
 * <p>Layout the rules assume under a root {@code R}: {@code R.engine} (with its sub-packages: the domain,
 * the steps, diagnosis and {@code R.engine.port}, the interfaces the engine needs from the outside); the
 * adapters that implement those ports ({@code R.state}, {@code R.messaging}, {@code R.notify},
 * {@code R.warmup}, {@code R.cloud}); the HTTP API ({@code R.api}); the composition root ({@code R.app});
 * the Azure Functions triggers ({@code R.functions}); the local tooling ({@code R.local}), which never ships.
 */
public final class ArchitectureRules {

    /** The packages of adapters, of the composition, of the triggers and of the tooling: none is the engine's to import. */
    static final String[] NOT_FOR_THE_ENGINE = {
            "api", "app", "state", "messaging", "notify", "warmup", "cloud", "functions", "local", "cli"};

    private ArchitectureRules() {
    }

    /** No cycle between the top-level packages under {@code root} (a package's sub-packages belong to it). */
    public static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .because("issue 14: the top-level packages form a hierarchy; the engine owns its ports");
    }

    /** The engine (and its ports) imports no adapter, no composition, no trigger, and no Azure type. */
    public static ArchRule engineIsIndependent(String root) {
        String[] forbidden = Arrays.stream(NOT_FOR_THE_ENGINE).map(p -> root + "." + p + "..").toArray(String[]::new);
        String[] azure = {"com.azure..", "com.microsoft.azure..", "com.microsoft.sqlserver.."};
        String[] all = Arrays.copyOf(forbidden, forbidden.length + azure.length);
        System.arraycopy(azure, 0, all, forbidden.length, azure.length);
        return noClasses().that().resideInAPackage(root + ".engine..")
                .should().dependOnClassesThat().resideInAnyPackage(all)
                .because("issue 14: adapters depend on the engine's ports, never the other way round");
    }

    /**
     * The triggers reach the application only through its entry points: the composition root ({@code R.app}),
     * the HTTP API ({@code R.api}) and the engine's services and messages; never an adapter or the tooling.
     */
    public static ArchRule triggersUseEntryPointsOnly(String root) {
        return classes().that().resideInAPackage(root + ".functions..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        root + ".functions..", root + ".app..", root + ".api..", root + ".engine..",
                        "java..", "com.microsoft.azure.functions..")
                .because("issue 14: a trigger binds the host to an entry point and holds no wiring of its own");
    }

    /** Nothing outside {@code R.local} (that is: nothing the function app ships) imports the local tooling. */
    public static ArchRule shippedCodeImportsNoLocalTooling(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".local..")
                .should().dependOnClassesThat().resideInAPackage(root + ".local..")
                .because("issue 14: the local host, the emulator, SimulatedCloud and the demo are not shipped");
    }
}
