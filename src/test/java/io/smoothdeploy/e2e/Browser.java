package io.smoothdeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smoothdeploy.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A real headless Chromium, driven over the W3C WebDriver protocol (plain HTTP and JSON to chromedriver; no driver
 * library, so nothing is downloaded: Debian's {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs). https://www.w3.org/TR/webdriver2/ names each command used here; {@code goog:chromeOptions} and
 * {@code goog:loggingPrefs} are chromedriver's capabilities (https://developer.chrome.com/docs/chromedriver/capabilities).
 *
 * <p>Waiting happens in the browser: {@link #waitUntil} runs an asynchronous script that checks its condition every
 * 100 ms until it holds or the script timeout passes, so the test never sleeps.
 */
final class Browser implements AutoCloseable {

    static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration WAIT = Duration.ofSeconds(40);

    private final Process driver;
    private final String base;
    private final String session;
    private final Path profile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Browser(Process driver, String base, String session, Path profile) {
        this.driver = driver;
        this.base = base;
        this.session = session;
        this.profile = profile;
    }

    /** Starts chromedriver on a free loopback port and opens a headless Chromium session through it. */
    static Browser start(Path logDir) throws IOException {
        Path chromedriver = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
        Path chromium = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        for (Path needed : List.of(chromedriver, chromium)) {
            if (!Files.isExecutable(needed)) {
                throw new IllegalStateException(needed + " is not installed; the portal's browser tests need Debian's "
                        + "chromium and chromium-driver (apt-get install -y chromium chromium-driver, as .ci/run does)");
            }
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(logDir);
        Process process = new ProcessBuilder(chromedriver.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(logDir.resolve("chromedriver.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        Path profile = Files.createTempDirectory("portal-chromium-profile");
        try {
            awaitReady(base, process);
            ObjectNode options = Json.mapper().createObjectNode();
            options.put("binary", chromium.toString());
            ArrayNode args = options.putArray("args");
            for (String arg : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile)) {
                args.add(arg);
            }
            ObjectNode always = Json.mapper().createObjectNode();
            always.put("browserName", "chrome");
            always.set("goog:chromeOptions", options);
            always.putObject("goog:loggingPrefs").put("performance", "ALL").put("browser", "ALL");
            ObjectNode body = Json.mapper().createObjectNode();
            body.putObject("capabilities").set("alwaysMatch", always);
            JsonNode created = send(HttpClient.newHttpClient(), "POST", base + "/session", body);
            Browser browser = new Browser(process, base, created.path("sessionId").asText(), profile);
            ObjectNode timeouts = Json.mapper().createObjectNode();
            timeouts.put("script", WAIT.toMillis()).put("implicit", 0).put("pageLoad", 30_000);
            browser.command("POST", "/timeouts", timeouts);
            return browser;
        } catch (RuntimeException | IOException e) {
            process.destroy();
            throw e;
        }
    }

    private static void awaitReady(String base, Process process) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IOException("chromedriver exited with " + process.exitValue() + "; see target/portal/chromedriver.log");
            }
            try {
                HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (status.statusCode() == 200 && Json.mapper().readTree(status.body()).path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException notYet) {
                // chromedriver is still binding its port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                // a bounded wait on the driver process itself: returns at once if it exits
                process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("chromedriver did not become ready within 20 s");
    }

    // ------------------------------------------------------------------ commands

    void open(String url) {
        command("POST", "/url", Json.mapper().createObjectNode().put("url", url));
    }

    void resize(int width, int height) {
        command("POST", "/window/rect", Json.mapper().createObjectNode().put("width", width).put("height", height));
    }

    /** The element for a CSS selector (it must be on the page now). */
    String find(String css) {
        ObjectNode body = Json.mapper().createObjectNode().put("using", "css selector").put("value", css);
        return command("POST", "/element", body).path(ELEMENT).asText();
    }

    void click(String css) {
        command("POST", "/element/" + find(css) + "/click", Json.mapper().createObjectNode());
    }

    void type(String css, String text) {
        command("POST", "/element/" + find(css) + "/value", Json.mapper().createObjectNode().put("text", text));
    }

    String text(String css) {
        return command("GET", "/element/" + find(css) + "/text", null).asText();
    }

    boolean enabled(String css) {
        return command("GET", "/element/" + find(css) + "/enabled", null).asBoolean();
    }

    /** Presses keys on whatever has the focus (WebDriver's key codes, such as {@code \uE004} for Tab). */
    void press(String... keys) {
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode source = body.putArray("actions").addObject().put("type", "key").put("id", "keyboard");
        ArrayNode actions = source.putArray("actions");
        for (String key : keys) {
            actions.addObject().put("type", "keyDown").put("value", key);
            actions.addObject().put("type", "keyUp").put("value", key);
        }
        command("POST", "/actions", body);
    }

    /** Runs a script in the page and answers its return value. */
    JsonNode script(String body, Object... args) {
        ObjectNode request = Json.mapper().createObjectNode().put("script", body);
        ArrayNode list = request.putArray("args");
        for (Object arg : args) {
            list.addPOJO(arg);
        }
        return command("POST", "/execute/sync", request);
    }

    /**
     * Waits, in the browser, until the JavaScript expression {@code condition} is true; fails naming
     * {@code what} (with a screenshot saved beside the others) when it is not true within the wait.
     */
    void waitUntil(String what, String condition, Path screenshotOnFailure) {
        String script = "const done = arguments[arguments.length - 1];"
                + "const check = () => { let ok = false; try { ok = !!(" + condition + "); } catch (e) { ok = false; }"
                + " if (ok) { done(true); } else { setTimeout(check, 100); } };"
                + "check();";
        try {
            command("POST", "/execute/async", Json.mapper().createObjectNode().put("script", script)
                    .set("args", Json.mapper().createArrayNode()));
        } catch (IllegalStateException timedOut) {
            screenshot(screenshotOnFailure);
            throw new AssertionError("the page did not show " + what + " within " + WAIT.toSeconds() + " s (screenshot "
                    + screenshotOnFailure + "); page text: " + script("return document.body.innerText;").asText(), timedOut);
        }
    }

    void screenshot(Path file) {
        byte[] png = Base64.getDecoder().decode(command("GET", "/screenshot", null).asText());
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every request the browser made since the session began, from chromedriver's performance log (DevTools'
     * {@code Network.requestWillBeSent}: the URL asked for and the URL of the document that asked).
     */
    List<Request> requests() {
        JsonNode entries = command("POST", "/se/log", Json.mapper().createObjectNode().put("type", "performance"));
        List<Request> urls = new ArrayList<>();
        for (JsonNode entry : entries) {
            try {
                JsonNode message = Json.mapper().readTree(entry.path("message").asText()).path("message");
                if (message.path("method").asText().equals("Network.requestWillBeSent")) {
                    JsonNode params = message.path("params");
                    urls.add(new Request(params.path("request").path("url").asText(), params.path("documentURL").asText()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return urls;
    }

    /** One request: what was asked for, and by which document. */
    record Request(String url, String documentUrl) {
    }

    private JsonNode command(String method, String path, JsonNode body) {
        return send(http, method, base + "/session/" + session + path, body);
    }

    private static JsonNode send(HttpClient client, String method, String url, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json; charset=utf-8");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = Json.mapper().readTree(response.body());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("WebDriver " + method + " " + url + " answered " + response.statusCode()
                        + ": " + answer.path("value").path("error").asText() + ": "
                        + answer.path("value").path("message").asText());
            }
            return answer.path("value");
        } catch (IOException e) {
            throw new UncheckedIOException("WebDriver " + method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            send(http, "DELETE", base + "/session/" + session, null);
        } catch (RuntimeException ignored) {
            // the driver is stopped next either way
        }
        driver.destroy();
        try {
            if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }
}
