package io.smoothdeploy.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureRules} hold for the main code (test classes are not imported). */
class ArchitectureTest {

    private static final String ROOT = "io.smoothdeploy";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        // Guards against a vacuous pass: the import must have found the engine, the triggers and the tooling.
        assertTrue(main.containPackage(ROOT + ".engine.port"), "engine.port not imported");
        assertTrue(main.containPackage(ROOT + ".functions"), "functions not imported");
        assertTrue(main.containPackage(ROOT + ".local"), "local tooling not imported");
    }

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles(ROOT).check(main);
    }

    @Test
    void engineImportsNoAdapterAndNoAzureType() {
        ArchitectureRules.engineIsIndependent(ROOT).check(main);
    }

    @Test
    void triggersImportOnlyEntryPoints() {
        ArchitectureRules.triggersUseEntryPointsOnly(ROOT).check(main);
    }

    @Test
    void shippedCodeImportsNoLocalTooling() {
        ArchitectureRules.shippedCodeImportsNoLocalTooling(ROOT).check(main);
    }
}
