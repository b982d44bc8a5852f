package io.smoothdeploy.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each consistency check fails, naming exactly what is wrong, on a copy of infra/ and
 * local.settings.sample.json with one name changed on one side.
 */
class InfraConsistencyChecksFailTest {

    private static final String SERVICE_BUS = "modules/servicebus.bicep";
    private static final String FUNCTION_APP = "modules/functionapp.bicep";
    private static final String AUTH = "modules/auth.bicep";
    private static final String ARM_ROLES = "modules/arm-roles.bicep";
    private static final String ROLES = "modules/roles.bicep";
    private static final String SITE_ROLE = "modules/site-role.bicep";
    private static final String APP_REGISTRATION = SecurityChecks.APP_REGISTRATION;

    @TempDir
    Path temp;

    private Path infraCopy;
    private Path sampleCopy;
    private final CodeSettings code = CodeSettings.fromCode();

    @BeforeEach
    void copy() throws IOException {
        infraCopy = temp.resolve("infra");
        try (Stream<Path> paths = Files.walk(InfraConsistencyTest.INFRA)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = infraCopy.resolve(InfraConsistencyTest.INFRA.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        sampleCopy = temp.resolve("local.settings.sample.json");
        Files.copy(InfraConsistencyTest.SAMPLE, sampleCopy);
    }

    @Test
    void theUnchangedCopyPasses() throws IOException {
        InfraModel infra = InfraModel.load(infraCopy);
        assertEquals(Set.of(), InfraChecks.missingFromInfra(infra, code));
        assertEquals(Set.of(), InfraChecks.missingFromSample(Files.readString(sampleCopy), code));
        assertEquals(Set.of(), InfraChecks.queueSettingsWithUndeclaredQueue(infra, code));
        assertEquals(Set.of(), InfraChecks.unusedQueues(infra, code));
        assertEquals(Set.of(), InfraChecks.keyLikeSettings(infra));
        assertEquals(Set.of(), InfraChecks.filesReadingKeys(infra));
        assertEquals(Set.of(), InfraChecks.identityConnectionsWithoutClientId(infra));
        assertEquals(Set.of(), SecurityChecks.authSettingsProblems(infra));
        assertEquals(Set.of(), SecurityChecks.appRoleProblems(infra, Set.of()));
        assertEquals(Set.of(), SecurityChecks.uncitedRoleActions(infra));
        assertEquals(Set.of(), SecurityChecks.broadBuiltInRoles(infra));
        assertEquals(Set.of(), SecurityChecks.roleAssignmentsWithoutScope(infra));
        assertEquals(Set.of(), SecurityChecks.uncoveredArmCalls(infra,
                Files.readString(InfraConsistencyTest.PROJECT.resolve(SecurityChecks.ARM_CLOUD))));
    }

    @Test
    void authenticationThatIsNotRequiredIsReported() throws IOException {
        edit(AUTH, "requireAuthentication: true", "requireAuthentication: false");
        edit(AUTH, "unauthenticatedClientAction: 'Return401'", "unauthenticatedClientAction: 'RedirectToLoginPage'");

        assertEquals(Set.of("requireAuthentication is not true", "unauthenticatedClientAction is not 'Return401'"),
                SecurityChecks.authSettingsProblems(InfraModel.load(infraCopy)));
    }

    @Test
    void authSettingsThatAreCommentedOutAreReported() throws IOException {
        edit(AUTH, "  name: 'authsettingsV2'\n", "  // name: 'authsettingsV2'\n  name: 'web'\n");

        assertEquals(Set.of("no Microsoft.Web/sites/config resource named 'authsettingsV2'"),
                SecurityChecks.authSettingsProblems(InfraModel.load(infraCopy)));
    }

    @Test
    void aMisspeltOrMissingAppRoleIsReported() throws IOException {
        edit(APP_REGISTRATION, "\"value\": \"Approver\"", "\"value\": \"Approvers\"");

        assertEquals(Set.of("app role Approver is missing",
                        "app role Approvers is not one of [Admin, Approver, Deployer, Reader]"),
                SecurityChecks.appRoleProblems(InfraModel.load(infraCopy), Set.of()));
    }

    @Test
    void aDeployerThatAPipelineCannotHoldIsReported() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path manifest = infraCopy.resolve(APP_REGISTRATION);
        ObjectNode registration = (ObjectNode) json.readTree(manifest.toFile());
        for (com.fasterxml.jackson.databind.JsonNode role : registration.get("appRoles")) {
            if (role.get("value").asText().equals("Deployer")) {
                ((ObjectNode) role).putArray("allowedMemberTypes").add("User");
            }
            if (role.get("value").asText().equals("Admin")) {
                ((ObjectNode) role).putArray("allowedMemberTypes").add("User").add("Application");
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), registration);

        assertEquals(Set.of("app role Deployer cannot be assigned to a pipeline's workload identity (Application)",
                        "app role Admin can be assigned to an application; only people approve and administer"),
                SecurityChecks.appRoleProblems(InfraModel.load(infraCopy), Set.of()));
    }

    @Test
    void codeRolesThatDifferFromTheManifestAreReported() {
        assertEquals(Set.of("the code's roles [Admin, Approver, Deployer, Operator] are not the manifest's "
                        + "[Admin, Approver, Deployer, Reader]"),
                SecurityChecks.appRoleProblems(InfraModel.load(infraCopy), Set.of("Admin", "Approver", "Deployer", "Operator")));
        assertEquals(Set.of(), SecurityChecks.appRoleProblems(InfraModel.load(infraCopy),
                Set.of("ADMIN", "APPROVER", "DEPLOYER", "READER")));
    }

    @Test
    void anUncitedCustomRoleActionIsReported() throws IOException {
        edit(ARM_ROLES, "          'Microsoft.Web/sites/Read'\n",
                "          'Microsoft.Web/sites/Read'\n          'Microsoft.Web/sites/publishxml/Action'\n"
                        + "          // 'Microsoft.Web/sites/delete' (a comment is not an action)\n");

        assertEquals(Set.of("Microsoft.Web/sites/publishxml/Action"),
                SecurityChecks.uncitedRoleActions(InfraModel.load(infraCopy)));
    }

    @Test
    void aWildcardDataActionIsReported() throws IOException {
        edit(ARM_ROLES, "        dataActions: []\n", "        dataActions: [\n          'Microsoft.Sql/*'\n        ]\n");

        assertEquals(Set.of("Microsoft.Sql/*"), SecurityChecks.uncitedRoleActions(InfraModel.load(infraCopy)));
    }

    @Test
    void anArmCallThatNoRoleAllowsIsReported() throws IOException {
        edit(ARM_ROLES, "          'Microsoft.Web/sites/slots/slotsswap/Action'\n", "");
        String armCloud = Files.readString(InfraConsistencyTest.PROJECT.resolve(SecurityChecks.ARM_CLOUD))
                + "\nclass Later { void drop() { webApps.deleteSlot(\"rg\", \"site\", \"staging\"); } }\n";

        assertEquals(Set.of("webApps.beginSwapSlot needs Microsoft.Web/sites/slots/slotsswap/Action",
                        "webApps.deleteSlot (not mapped to an action)"),
                SecurityChecks.uncoveredArmCalls(InfraModel.load(infraCopy), armCloud));
    }

    @Test
    void aBroadBuiltInRoleIsReported() throws IOException {
        edit(ROLES, "  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'\n",
                "  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'\n"
                        + "  websiteContributor: 'de139f84-1756-47ae-9be6-808fbbe84772'\n");

        assertEquals(Set.of(ROLES + ": Website Contributor"), SecurityChecks.broadBuiltInRoles(InfraModel.load(infraCopy)));
    }

    @Test
    void anAssignmentOnTheWholeResourceGroupIsReported() throws IOException {
        edit(SITE_ROLE, "  scope: site\n", "");

        assertEquals(Set.of(SITE_ROLE + ":assignment"), SecurityChecks.roleAssignmentsWithoutScope(InfraModel.load(infraCopy)));
    }

    @Test
    void aQueueRenamedInInfraIsReportedOnBothSides() throws IOException {
        edit(SERVICE_BUS, "'warm-up'", "'warmup'");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("WarmUpQueue"), InfraChecks.queueSettingsWithUndeclaredQueue(infra, code));
        assertEquals(Set.of("warmup"), InfraChecks.unusedQueues(infra, code));
    }

    @Test
    void aQueueSettingPointingElsewhereIsReported() throws IOException {
        edit(FUNCTION_APP, "CompleteQueue: 'complete'", "CompleteQueue: 'completed'");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("CompleteQueue"), InfraChecks.queueSettingsWithUndeclaredQueue(infra, code));
        assertEquals(Set.of("complete"), InfraChecks.unusedQueues(infra, code));
    }

    @Test
    void anUnusedQueueIsReported() throws IOException {
        edit(SERVICE_BUS, "  'reset'\n", "  'reset'\n  'spare-queue'\n");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("spare-queue"), InfraChecks.unusedQueues(infra, code));
        assertEquals(Set.of(), InfraChecks.queueSettingsWithUndeclaredQueue(infra, code));
    }

    @Test
    void aSettingDroppedFromTheSampleIsReported() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode sample = (ObjectNode) json.readTree(sampleCopy.toFile());
        ((ObjectNode) sample.get("Values")).remove("ResetQueue");
        json.writerWithDefaultPrettyPrinter().writeValue(sampleCopy.toFile(), sample);

        assertEquals(Set.of("ResetQueue"), InfraChecks.missingFromSample(Files.readString(sampleCopy), code));
        assertEquals(Set.of(), InfraChecks.missingFromInfra(InfraModel.load(infraCopy), code));
    }

    @Test
    void aConnectionDroppedFromTheSampleIsReportedByItsName() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode sample = (ObjectNode) json.readTree(sampleCopy.toFile());
        ((ObjectNode) sample.get("Values")).remove("ServiceBusConnection__fullyQualifiedNamespace");
        json.writerWithDefaultPrettyPrinter().writeValue(sampleCopy.toFile(), sample);

        assertEquals(Set.of("ServiceBusConnection"), InfraChecks.missingFromSample(Files.readString(sampleCopy), code));
    }

    @Test
    void aSettingDroppedFromInfraIsReported() throws IOException {
        edit(FUNCTION_APP, "      StaleMaintenanceSchedule: staleMaintenanceSchedule\n", "");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("StaleMaintenanceSchedule"), InfraChecks.missingFromInfra(infra, code));
    }

    @Test
    void anIdentityConnectionDroppedFromInfraIsReportedByItsName() throws IOException {
        edit(FUNCTION_APP, "      StateTableConnection__tableServiceUri: storageTableEndpoint\n", "");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("StateTableConnection"), InfraChecks.missingFromInfra(infra, code));
    }

    @Test
    void aSettingTheCodeStartsReadingIsReportedOnBothSides() throws IOException {
        CodeSettings changed = code.withQueueSetting("AuditQueue");

        assertEquals(Set.of("AuditQueue"), InfraChecks.missingFromInfra(InfraModel.load(infraCopy), changed));
        assertEquals(Set.of("AuditQueue"), InfraChecks.missingFromSample(Files.readString(sampleCopy), changed));
    }

    @Test
    void aKeyInASettingIsReported() throws IOException {
        edit(FUNCTION_APP, "      StateTableConnection__clientId: identityClientId\n",
                "      StateTableConnection__clientId: identityClientId\n"
                        + "      StateTableConnection: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc=='\n"
                        + "      AuditBus: 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=b'\n");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("AuditBus", "StateTableConnection"), InfraChecks.keyLikeSettings(infra));
    }

    @Test
    void aListKeysCallIsReported() throws IOException {
        edit(FUNCTION_APP, "      StateTableConnection__clientId: identityClientId\n",
                "      StateTableConnection__clientId: identityClientId\n"
                        + "      LegacyStorage: 'AccountName=${storageAccountName};Key=${storage.listKeys().keys[0].value}'\n");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("LegacyStorage"), InfraChecks.keyLikeSettings(infra));
        assertEquals(Set.of(FUNCTION_APP), InfraChecks.filesReadingKeys(infra));
    }

    @Test
    void anIdentityConnectionWithoutClientIdIsReported() throws IOException {
        edit(FUNCTION_APP, "      ServiceBusConnection__clientId: identityClientId\n", "");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("ServiceBusConnection"), InfraChecks.identityConnectionsWithoutClientId(infra));
    }

    @Test
    void commentsDoNotCount() throws IOException {
        // A commented-out setting is not a setting; a commented-out queue is not a queue.
        edit(FUNCTION_APP, "      ResetQueue: 'reset'\n", "      // ResetQueue: 'reset'\n");
        edit(SERVICE_BUS, "  'clone-db'\n", "  // 'clone-db'\n");
        InfraModel infra = InfraModel.load(infraCopy);

        assertEquals(Set.of("ResetQueue"), InfraChecks.missingFromInfra(infra, code));
        assertEquals(Set.of("CloneDbQueue"), InfraChecks.queueSettingsWithUndeclaredQueue(infra, code));
    }

    private void edit(String file, String from, String to) throws IOException {
        Path path = infraCopy.resolve(file);
        String text = Files.readString(path);
        assertTrue(text.contains(from), file + " no longer contains " + from.strip() + ": update this test");
        Files.writeString(path, text.replace(from, to));
    }
}
