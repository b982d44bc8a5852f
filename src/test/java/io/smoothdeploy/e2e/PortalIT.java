package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothdeploy.api.ApiResponse;
import io.smoothdeploy.engine.port.CloudException;
import io.smoothdeploy.engine.port.DatabaseRef;
import io.smoothdeploy.local.LocalUser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The portal in a real browser (headless Chromium through chromedriver, see {@link Browser}) against the local
 * host: the page served by the function app, reading and acting through the same API. Each scenario drives the
 * deployment with the host's step queue (virtual time) while the page, left open, follows it by itself.
 * Screenshots go to {@code target/portal/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalIT {

    private static final String OID = "0f6d7a4e-1c52-4a8e-9a57-3b1a6e2d9c10";
    private static final Path SHOTS = Path.of("target", "portal");
    private static final AtomicInteger SITES = new AtomicInteger(500);
    private static LocalHostHarness host;
    private static Browser browser;
    private static String origin;
    /** The origins of the local hosts the browser opened (each serves its own portal). */
    private static final Set<String> ORIGINS = new java.util.concurrent.CopyOnWriteArraySet<>();

    @BeforeAll
    static void start() throws IOException {
        host = new LocalHostHarness();
        host.stack.timerScheduler().enabled(false);
        URI api = URI.create(host.stack.apiBase());
        origin = api.getScheme() + "://" + api.getAuthority();
        ORIGINS.add(origin);
        browser = Browser.start(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    @Order(1)
    void watchesADeploymentFromStartToAwaitingVerificationWithoutAReloadAndCompletesItFromThePage() {
        // Arrange: a registered environment and a deployment started as curl would start it
        assertEquals(201, host.put("/environments/shop", LocalHostHarness.environmentBody(true)).status());
        String id = start("shop", "ReadOnly");

        // Act: open the deployment's page while it runs
        openPage("#/deployments/" + id);
        waitForStatus("InProgress");
        browser.script("window.portalTestMark = 'not reloaded';");

        // Assert: Complete is shown, disabled, and says why (Done when 3)
        assertFalse(browser.enabled("#action-complete"));
        assertEquals("Complete is not possible while the deployment is InProgress (allowed now: cancel).",
                browser.text("#why-complete"));
        assertEquals("why-complete", browser.script(
                "return document.getElementById('action-complete').getAttribute('aria-describedby');").asText());
        browser.screenshot(SHOTS.resolve("01-in-progress.png"));

        // Act: let the steps run a little at a time; the page follows each change by itself
        Set<Integer> percents = new LinkedHashSet<>();
        for (int round = 0; round < 200 && !"AwaitingVerification".equals(apiStatus(id).path("status").asText()); round++) {
            host.queue().runUntilIdle(Duration.ofSeconds(5));
            JsonNode now = apiStatus(id);
            browser.waitUntil("the deployment as of " + now.path("updatedAt").asText(),
                    "document.getElementById('deployment').dataset.updated === '" + now.path("updatedAt").asText() + "'",
                    SHOTS.resolve("failed-follow.png"));
            percents.add(browser.script("return document.getElementById('progress').value;").asInt());
        }

        // Assert: it moved on the page, without a reload, to AwaitingVerification
        waitForStatus("AwaitingVerification");
        assertEquals("not reloaded", browser.script("return window.portalTestMark;").asText());
        assertTrue(percents.stream().anyMatch(p -> p > 0 && p < 100) && percents.size() >= 2,
                "the progress bar moved through: " + percents);
        JsonNode awaiting = apiStatus(id);
        assertEquals(awaiting.path("percentComplete").asInt() + " %", browser.text("#percent"));
        assertTrue(browser.enabled("#action-complete"));
        for (JsonNode link : awaiting.path("validationLinks")) {
            assertTrue(browser.script("return [...document.querySelectorAll('#validation a')].map(a => a.href);")
                    .toString().contains(link.asText()), "validation link " + link);
        }
        String links = browser.text("#validation");
        assertTrue(links.contains("cms: https://cms-prod-staging.azurewebsites.net/")
                && links.contains("scheduler: https://scheduler-prod-staging.azurewebsites.net/"), links);
        JsonNode timeline = host.get("/deployments/" + id + "/timeline").json();
        assertEquals(timeline.path("steps").size(), browser.script(
                "return document.querySelectorAll('#timeline .bar').length;").asInt(), "a bar per web app per step");
        int logLines = host.get("/deployments/" + id + "/log").json().path("lines").size();
        assertEquals(logLines, browser.script("return document.querySelectorAll('#log li').length;").asInt());
        assertTrue(browser.text("#webapps").contains("cms") && browser.text("#webapps").contains("scheduler"));
        browser.screenshot(SHOTS.resolve("02-awaiting-verification.png"));

        // Act: Complete from the page, confirming in the dialog that names the environment
        browser.click("#action-complete");
        browser.waitUntil("the confirmation", "document.getElementById('confirm').open", SHOTS.resolve("failed-confirm.png"));
        assertTrue(browser.text("#confirm-text").contains("environment shop"), browser.text("#confirm-text"));
        browser.click("#confirm-yes");
        browser.waitUntil("the accepted Complete", "document.getElementById('action-result')", SHOTS.resolve("failed-complete.png"));
        host.runQueues();

        // Assert
        waitForStatus("Succeeded");
        assertEquals("Succeeded", apiStatus(id).path("status").asText());
        assertFalse(browser.enabled("#action-complete"));
        assertTrue(browser.text("#audit").contains(LocalUser.describe(host.stack.user()).split(",")[0]));
        browser.screenshot(SHOTS.resolve("03-succeeded.png"));
    }

    @Test
    @Order(2)
    void resetsWithTheDatabaseRolledBackUsingOnlyTheKeyboard() {
        // Arrange
        String environment = ownEnvironment();
        String id = start(environment, "ReadOnly");
        host.runQueues();
        openPage("#/deployments/" + id);
        waitForStatus("AwaitingVerification");

        // Act: Tab to the choice, tick it with Space, Tab to Reset, Enter; in the dialog Tab to Confirm, Enter
        tabTo("rollback-database");
        browser.press(" ");
        tabTo("action-reset");
        browser.press("\uE007");
        browser.waitUntil("the confirmation", "document.getElementById('confirm').open", SHOTS.resolve("failed-reset-confirm.png"));
        String question = browser.text("#confirm-text");
        tabTo("confirm-yes");
        browser.press("\uE007");
        browser.waitUntil("the accepted Reset", "document.getElementById('action-result')", SHOTS.resolve("failed-reset.png"));
        host.runQueues();

        // Assert
        assertTrue(question.contains("environment " + environment) && question.contains("database is rolled back"),
                question);
        waitForStatus("Reset");
        JsonNode reset = apiStatus(id);
        assertEquals("Reset", reset.path("status").asText());
        assertTrue(reset.path("rollbackDatabase").asBoolean(), reset.toString());
        browser.screenshot(SHOTS.resolve("04-reset.png"));
    }

    @Test
    @Order(3)
    void showsAFailedDeploymentsDiagnosis() {
        // Arrange: the staging slot refuses the package (not a transient error), so the run fails
        String environment = ownEnvironment();
        host.cloud.failNext("deployPackage", "cms-prod-" + SITES.get() + "/staging", 1,
                new CloudException("Conflict", "The site is busy with another deployment", false));
        String id = start(environment, "ReadOnly");
        host.runQueues();
        JsonNode failed = apiStatus(id);
        assertEquals("Failed", failed.path("status").asText(), failed.toString());

        // Act
        openPage("#/deployments/" + id);
        waitForStatus("Failed");
        browser.waitUntil("the diagnosis", "document.getElementById('diagnosis-cause')", SHOTS.resolve("failed-diagnosis.png"));

        // Assert
        JsonNode diagnosis = failed.path("diagnosis");
        assertEquals(diagnosis.path("cause").asText(), browser.text("#diagnosis-cause"));
        assertEquals(diagnosis.path("fix").asText(), browser.text("#diagnosis-fix"));
        for (JsonNode evidence : diagnosis.path("evidence")) {
            assertTrue(browser.text("#diagnosis").contains(evidence.asText()), "evidence " + evidence);
        }
        assertTrue(browser.text("#problems").contains(failed.path("errors").get(0).path("message").asText()));
        assertFalse(browser.enabled("#action-complete"));
        assertTrue(browser.enabled("#action-reset"));
        browser.screenshot(SHOTS.resolve("05-failed-diagnosis.png"));
    }

    @Test
    @Order(4)
    void showsTheProblemOfARefusedCompleteThenAcceptsTheDataLossOnceTheEnvironmentIsTyped() {
        // Arrange: a ReadWrite run whose temporary database took writes
        String environment = ownEnvironment();
        String id = start(environment, "ReadWrite");
        host.runQueues();
        JsonNode awaiting = apiStatus(id);
        host.cloud.setWrites(new DatabaseRef(LocalHostHarness.SQL_SERVER,
                awaiting.path("temporaryDatabase").path("name").asText()), 12);
        openPage("#/deployments/" + id);
        waitForStatus("AwaitingVerification");

        // Act: Complete is refused by the API
        browser.click("#action-complete");
        browser.waitUntil("the confirmation", "document.getElementById('confirm').open", SHOTS.resolve("failed-dl-confirm.png"));
        browser.click("#confirm-yes");
        browser.waitUntil("the refusal", "document.querySelector('#action-result .problem')", SHOTS.resolve("failed-dl.png"));

        // Assert: the problem as the API sent it, and the offer to accept the loss
        String problem = browser.text("#action-result");
        assertTrue(problem.contains("HTTP 409") && problem.contains("urn:smoothdeploy:problem:data-loss")
                && problem.contains("12 write(s) reached the temporary database"), problem);
        assertEquals("urn:smoothdeploy:problem:data-loss", browser.script(
                "return document.querySelector('#action-result .problem').dataset.problemType;").asText());
        assertTrue(browser.text("[data-action=acceptDataLoss]").contains("12 write(s)"));
        assertFalse(browser.enabled("#action-accept-data-loss"), "enabled before the environment is typed");
        browser.screenshot(SHOTS.resolve("06-data-loss-refused.png"));

        // Act: type a wrong name, then the right one
        browser.type("#accept-name", environment + "x");
        assertFalse(browser.enabled("#action-accept-data-loss"));
        browser.script("const i = document.getElementById('accept-name'); i.value = ''; i.dispatchEvent(new Event('input'));");
        browser.type("#accept-name", environment);
        assertTrue(browser.enabled("#action-accept-data-loss"));
        browser.click("#action-accept-data-loss");
        browser.waitUntil("the confirmation", "document.getElementById('confirm').open", SHOTS.resolve("failed-dl-confirm2.png"));
        browser.click("#confirm-yes");
        browser.waitUntil("the accepted Complete", "document.querySelector('#action-result.done')", SHOTS.resolve("failed-dl2.png"));
        host.runQueues();

        // Assert
        waitForStatus("Succeeded");
        JsonNode done = apiStatus(id);
        assertTrue(done.path("audit").toString().contains("accept"), done.path("audit").toString());
    }

    @Test
    @Order(5)
    void listsTheEnvironmentsWithTheirMaintenanceAndLastDeploymentAndTheHistory() {
        // Act
        openPage("#/");
        browser.waitUntil("the environments", "document.querySelector('[data-environment=shop]')", SHOTS.resolve("failed-list.png"));

        // Assert
        String shop = browser.text("[data-environment=shop]");
        assertTrue(shop.contains("Succeeded") && shop.contains("no web app in maintenance") && shop.contains("scheduler"), shop);
        JsonNode listed = host.get("/environments").json().path("environments");
        assertEquals(listed.size(), browser.script("return document.querySelectorAll('[data-environment]').length;").asInt());
        assertTrue(browser.text("#me").startsWith("Signed in as " + host.stack.user().name() + " · roles: Reader, Deployer, Approver, Admin"),
                browser.text("#me"));
        browser.screenshot(SHOTS.resolve("07-environments.png"));

        // Act: an environment's history
        browser.click("[data-environment=shop] h2 a");
        browser.waitUntil("the history", "document.querySelector('main h1').textContent === 'Environment shop'"
                + " && document.querySelector('main table')", SHOTS.resolve("failed-history.png"));
        assertTrue(browser.text("main").contains("Deployments, newest first"), browser.text("main"));
        assertEquals(1, browser.script("return document.querySelectorAll('main tbody tr').length;").asInt());
    }

    @Test
    @Order(6)
    void isReadableAt390PixelsWide() {
        try {
            // Arrange
            browser.resize(390, 844);
            String id = host.get("/environments/shop").json().path("lastDeployment").path("id").asText();

            // Act / Assert: no page is wider than the window
            for (String page : List.of("#/", "#/deployments/" + id)) {
                openPage(page);
                browser.waitUntil("the page", "document.querySelector('main h1')", SHOTS.resolve("failed-narrow.png"));
                browser.waitUntil("content", page.equals("#/") ? "document.querySelector('[data-environment]')"
                        : "document.getElementById('deployment')", SHOTS.resolve("failed-narrow.png"));
                assertTrue(browser.script("return document.documentElement.scrollWidth <= window.innerWidth;").asBoolean(),
                        page + " is " + browser.script("return document.documentElement.scrollWidth;") + " px wide at "
                                + browser.script("return window.innerWidth;"));
            }
            browser.screenshot(SHOTS.resolve("08-deployment-390px.png"));
        } finally {
            browser.resize(1280, 900);
        }
    }

    @Test
    @Order(7)
    void aReaderSeesWhoIsSignedInAndWhyTheButtonsAreDisabled() throws IOException {
        // Arrange: a host whose development user is only a Reader; the run awaits verification
        try (LocalHostHarness readers = new LocalHostHarness(Map.of(LocalUser.USER, "rita@example.com",
                LocalUser.ROLES, "Reader"))) {
            readers.stack.timerScheduler().enabled(false);
            URI readerApi = URI.create(readers.stack.apiBase());
            ORIGINS.add(readerApi.getScheme() + "://" + readerApi.getAuthority());
            PlatformApi platform = new PlatformApi(readers, true);
            ApiResponse registered = platform.api.putEnvironment("shop", LocalHostHarness.environmentBody(false),
                    PlatformApi.as("ada@example.com", OID, "Admin"));
            assertEquals(201, registered.status(), registered.body());
            ApiResponse started = platform.api.startDeployment(LocalHostHarness.startBody("shop",
                    LocalHostHarness.NEW_PACKAGE, null), PlatformApi.as("dee@example.com", OID, "Deployer"));
            assertEquals(202, started.status(), started.body());
            String id = PlatformApi.json(started).get("id").asText();
            readers.runQueues();

            // Act
            browser.open(readers.stack.apiBase() + "/portal/#/deployments/" + id);
            waitForStatus("AwaitingVerification");

            // Assert
            assertEquals("Signed in as rita@example.com · roles: Reader", browser.text("#me"));
            for (String action : List.of("complete", "reset")) {
                assertFalse(browser.enabled("#action-" + action), action);
                assertTrue(browser.text("#why-" + action).contains("you need the role Approver"), browser.text("#why-" + action));
            }
            browser.screenshot(SHOTS.resolve("09-reader.png"));
        }
    }

    @Test
    @Order(8)
    void noRequestOfThePageLeftItsOrigin() {
        // Arrange: the last page once more, so the Resource Timing API has its entries too
        openPage("#/");
        browser.waitUntil("the environments", "document.querySelector('[data-environment]')", SHOTS.resolve("failed-origin.png"));

        // Act: everything the browser asked for during the whole class (chromedriver's performance log) and what
        // this page loaded (Resource Timing)
        List<Browser.Request> all = browser.requests();
        List<String> requested = new ArrayList<>(all.stream().filter(r -> fromPortal(r.documentUrl()))
                .map(Browser.Request::url).toList());
        browser.script("return performance.getEntriesByType('resource').map(e => e.name);")
                .forEach(url -> requested.add(url.asText()));
        // and nothing at all went over the network elsewhere (the browser's own pages, chrome:// and data:, do not)
        List<String> network = all.stream().map(Browser.Request::url).filter(url -> url.matches("(?i)(https?|wss?):.*"))
                .filter(url -> !fromPortal(url)).toList();

        // Assert: requests were seen, each to the origin of a local host the page was opened on (the reader's is its own)
        assertTrue(requested.size() > 20, "requests seen: " + requested);
        List<String> elsewhere = requested.stream().filter(url -> ORIGINS.stream().noneMatch(o -> url.startsWith(o + "/")))
                .toList();
        assertEquals(List.of(), elsewhere, "requests of the page that left the app's origin");
        assertEquals(List.of(), network, "requests to another origin while the portal was tested");
        assertTrue(requested.stream().anyMatch(url -> url.startsWith(origin + "/api/portal/portal.js")), requested.toString());
        assertTrue(requested.stream().anyMatch(url -> url.startsWith(origin + "/api/me")), requested.toString());
    }

    // ------------------------------------------------------------------ helpers

    private static boolean fromPortal(String url) {
        return ORIGINS.stream().anyMatch(o -> url.startsWith(o + "/"));
    }

    private static void openPage(String fragment) {
        browser.open(origin + "/api/portal/" + fragment);
    }

    private static void waitForStatus(String status) {
        browser.waitUntil("status " + status, "document.querySelector('#status [data-status]').dataset.status === '"
                + status + "'", SHOTS.resolve("failed-status-" + status + ".png"));
    }

    private static void tabTo(String elementId) {
        for (int i = 0; i < 80; i++) {
            if (elementId.equals(browser.script("return document.activeElement && document.activeElement.id;").asText())) {
                return;
            }
            browser.press("\uE004");
        }
        throw new AssertionError("Tab never reached #" + elementId);
    }

    private static JsonNode apiStatus(String id) {
        return host.get("/deployments/" + id).json();
    }

    private static String start(String environment, String mode) {
        ApiClient.Response started = host.post("/deployments", LocalHostHarness.startBody(environment,
                LocalHostHarness.NEW_PACKAGE, null).replace("\"mode\":\"ReadOnly\"", "\"mode\":\"" + mode + "\""));
        assertEquals(202, started.status(), started.toString());
        return started.json().path("id").asText();
    }

    /** A new environment on a site and database of its own; its site is {@code cms-prod-<SITES>}. */
    private static String ownEnvironment() {
        int n = SITES.incrementAndGet();
        String name = "shop-" + n;
        ApiClient.Response registered = host.put("/environments/" + name, host.environmentOnOwnSite(n));
        assertEquals(201, registered.status(), registered.toString());
        return name;
    }
}
