package io.smoothdeploy.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ArchitectureRules} fails on a fixture that breaks it (src/test/java/io/smoothdeploy/archfixture),
 * naming the planted class, and all of them pass on a fixture laid out as the rules want: so a green
 * {@link ArchitectureTest} means the rules were kept, not that they cannot fail.
 */
class PlantedViolationTest {

    private static final String FIXTURES = "io.smoothdeploy.archfixture.";

    private static final List<Function<String, ArchRule>> ALL_RULES = List.of(
            ArchitectureRules::noPackageCycles,
            ArchitectureRules::engineIsIndependent,
            ArchitectureRules::triggersUseEntryPointsOnly,
            ArchitectureRules::shippedCodeImportsNoLocalTooling);

    private static JavaClasses fixture(String name) {
        JavaClasses classes = new ClassFileImporter().importPackages(FIXTURES + name);
        assertFalse(classes.isEmpty(), "fixture " + name + " has no classes");
        return classes;
    }

    private static void assertViolated(Function<String, ArchRule> rule, String fixture, String... planted) {
        EvaluationResult result = rule.apply(FIXTURES + fixture).evaluate(fixture(fixture));
        assertTrue(result.hasViolation(), "rule kept on planted fixture " + fixture);
        String report = String.join("\n", result.getFailureReport().getDetails());
        for (String name : planted) {
            assertTrue(report.contains(FIXTURES + fixture + "." + name), report + "\n does not name " + name);
        }
    }

    @Test
    void everyRulePassesOnTheCleanLayout() {
        JavaClasses clean = fixture("clean");
        for (Function<String, ArchRule> rule : ALL_RULES) {
            EvaluationResult result = rule.apply(FIXTURES + "clean").evaluate(clean);
            assertFalse(result.hasViolation(), String.join("\n", result.getFailureReport().getDetails()));
        }
    }

    @Test
    void aPackageCycleFails() {
        assertViolated(ArchitectureRules::noPackageCycles, "cycle", "engine.Loop", "notify.Hook", "state.Store");
    }

    @Test
    void anEngineThatImportsAnAdapterFails() {
        assertViolated(ArchitectureRules::engineIsIndependent, "engineadapter", "engine.Service");
    }

    @Test
    void anEnginePortThatNamesAnAzureTypeFails() {
        assertViolated(ArchitectureRules::engineIsIndependent, "engineazure", "engine.port.CloudPort");
    }

    @Test
    void aTriggerThatReachesIntoAnAdapterFails() {
        assertViolated(ArchitectureRules::triggersUseEntryPointsOnly, "trigger", "functions.Trigger");
    }

    @Test
    void shippedCodeThatImportsTheLocalToolingFails() {
        assertViolated(ArchitectureRules::shippedCodeImportsNoLocalTooling, "shipslocal", "cloud.Adapter");
    }
}
