package io.smoothdeploy.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * infra/ (Bicep, read as text), local.settings.sample.json and the code agree: every setting and
 * connection the code reads is set in both, every queue setting names a queue infra/ declares, no declared
 * queue is unused, and no setting holds a key. {@link InfraConsistencyChecksFailTest} proves each check fails.
 */
class InfraConsistencyTest {

    static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    static final Path INFRA = PROJECT.resolve("infra");
    static final Path SAMPLE = PROJECT.resolve("local.settings.sample.json");

    private static InfraModel infra;
    private static String sample;
    private static CodeSettings code;

    @BeforeAll
    static void read() throws IOException {
        infra = InfraModel.load(INFRA);
        sample = Files.readString(SAMPLE);
        code = CodeSettings.fromCode();
    }

    @Test
    void theCodeScanFindsEveryTrigger() {
        // 7 step triggers + 7 dead-letter triggers, 1 timer: a scan that found nothing would prove nothing.
        assertEquals(14, code.serviceBusTriggers(), "Service Bus triggers found in " + CodeSettings.FUNCTIONS_PACKAGE);
        assertEquals(1, code.timerTriggers(), "timer triggers found in " + CodeSettings.FUNCTIONS_PACKAGE);
        assertEquals(Set.of("CloneDbQueue", "EnterMaintenanceQueue", "DeploySlotQueue", "WarmUpQueue",
                "AwaitVerificationQueue", "CompleteQueue", "ResetQueue"), code.queueSettings());
        assertTrue(code.plainSettings().containsAll(Set.of("StaleMaintenanceSchedule", "TargetSubscriptionId",
                "StateTableName", "DeploymentIndexTableName")), code.plainSettings().toString());
        assertEquals(Set.of("AzureWebJobsStorage", "ServiceBusConnection", "StateTableConnection"), code.connections());
    }

    @Test
    void theInfraParseFindsSettingsAndQueues() {
        assertEquals(7, infra.queues().size(), "queues declared in infra/: " + infra.queues());
        assertTrue(infra.settings().size() >= 20, "app settings found in infra/: " + infra.settings().keySet());
    }

    @Test
    void everySettingTheCodeReadsIsSetInInfra() {
        assertEquals(Set.of(), InfraChecks.missingFromInfra(infra, code),
                "settings the code reads that infra/ does not set");
    }

    @Test
    void everySettingTheCodeReadsIsSetInTheSample() {
        assertEquals(Set.of(), InfraChecks.missingFromSample(sample, code),
                "settings the code reads that local.settings.sample.json does not set");
    }

    @Test
    void everyQueueSettingNamesADeclaredQueue() {
        assertEquals(Set.of(), InfraChecks.queueSettingsWithUndeclaredQueue(infra, code),
                "queue settings whose infra/ value is not a queue infra/ declares " + infra.queues());
    }

    @Test
    void everyDeclaredQueueIsUsed() {
        assertEquals(Set.of(), InfraChecks.unusedQueues(infra, code), "queues infra/ declares that no setting names");
    }

    @Test
    void noSettingHoldsAKey() {
        assertEquals(Set.of(), InfraChecks.keyLikeSettings(infra), "app settings that look like a key");
        assertEquals(Set.of(), InfraChecks.filesReadingKeys(infra), "infra files that read keys");
    }

    @Test
    void everyIdentityConnectionNamesTheUserAssignedIdentity() {
        assertEquals(Set.of(), InfraChecks.identityConnectionsWithoutClientId(infra),
                "identity-based connections without __clientId");
    }

    @Test
    void queueValuesAgreeBetweenInfraAndTheSample() {
        // Not required (the sample may name other queues), but today both use the same names.
        for (String setting : code.queueSettings()) {
            assertTrue(sample.contains("\"" + setting + "\": \"" + infra.literal(setting) + "\""),
                    setting + " is " + infra.literal(setting) + " in infra/ but not in the sample");
        }
    }

    @Test
    void theApiRequiresPlatformAuthenticationAndAnswers401() {
        assertEquals(Set.of(), SecurityChecks.authSettingsProblems(infra), "authsettingsV2 in infra/");
    }

    @Test
    void theFunctionsHostRefusesABodyOverTheApisOwnLimit() {
        // The host's limit (bytes) is the guard in Azure that the local host's early 413 is locally; a larger
        // value would let a body into memory that the API then refuses, a smaller one would refuse valid bodies.
        assertEquals(String.valueOf(io.smoothdeploy.api.HttpApi.MAX_BODY_BYTES),
                infra.literal("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"), "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT in infra/");
    }

    @Test
    void theAppRegistrationDeclaresTheFourRoles() {
        // The manifest is the source of the role names; when the code declares an enum Role, it must agree.
        Set<String> codeRoles = SecurityChecks.codeRoleNames(PROJECT.resolve("src/main/java"));
        assertEquals(Set.of(), SecurityChecks.appRoleProblems(infra, codeRoles), SecurityChecks.APP_REGISTRATION);
    }

    @Test
    void everyCustomRoleActionIsCited() {
        // A parse that found no role would prove nothing: the sites and SQL roles.
        assertEquals(2, SecurityChecks.customRoleActions(infra).size(), SecurityChecks.customRoleActions(infra).keySet().toString());
        assertTrue(SecurityChecks.customRoleActions(infra).values().stream().allMatch(a -> !a.isEmpty()));
        assertEquals(Set.of(), SecurityChecks.uncitedRoleActions(infra),
                "custom role actions that SecurityChecks.CITED_ACTIONS does not cite with a code path");
    }

    @Test
    void everyArmCallTheCodeMakesIsGranted() throws IOException {
        String armCloud = Files.readString(PROJECT.resolve(SecurityChecks.ARM_CLOUD));
        assertTrue(SecurityChecks.armCalls(armCloud) >= 20, "ArmCloud's service-client calls found");
        assertEquals(Set.of(), SecurityChecks.uncoveredArmCalls(infra, armCloud),
                "ArmCloud calls that no custom role in infra/ allows");
    }

    @Test
    void noBroadBuiltInRoleIsAssigned() {
        assertEquals(Set.of(), SecurityChecks.broadBuiltInRoles(infra), "broad built-in roles in infra/");
    }

    @Test
    void everyRoleAssignmentNamesItsScope() {
        assertEquals(Set.of(), SecurityChecks.roleAssignmentsWithoutScope(infra),
                "role assignments on a whole resource group or subscription");
    }
}
