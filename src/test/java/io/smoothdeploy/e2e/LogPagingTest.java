package io.smoothdeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /deployments/{id}/log?since=&limit=} through the local host. */
class LogPagingTest {

    private final LocalHostHarness host = new LocalHostHarness();

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void pagesOfTheLogReadOnFromEachNextAreTogetherTheWholeLogInOrder() {
        // Arrange: a deployment awaiting verification, with its whole log
        String id = host.registerAndStart("prod", true);
        host.runQueues();
        JsonNode whole = host.get("/deployments/" + id + "/log").json();
        List<JsonNode> expected = new ArrayList<>();
        whole.get("lines").forEach(expected::add);

        // Act: pages of 3, each from the next of the page before, until one says there is no more
        List<JsonNode> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String query = "?limit=3";
        JsonNode page;
        do {
            ApiClient.Response answer = host.get("/deployments/" + id + "/log" + query);
            assertEquals(200, answer.status(), answer.toString());
            page = answer.json();
            page.get("lines").forEach(paged::add);
            sizes.add(page.get("lines").size());
            query = "?limit=3&since=" + page.get("next").asText();
        } while (page.get("more").asBoolean() && sizes.size() < 200);
        JsonNode after = host.get("/deployments/" + id + "/log" + query).json();

        // Assert
        assertTrue(expected.size() > 6, "the deployment logged enough to page: " + whole);
        assertEquals(expected, paged, "every line once, in order");
        assertTrue(sizes.size() > 1, "more than one page: " + sizes);
        for (int i = 0; i < sizes.size(); i++) {
            assertTrue(sizes.get(i) >= 1, "no empty page before the end: " + sizes);
        }
        assertFalse(whole.get("more").asBoolean());
        assertEquals(page.get("next"), whole.get("next"), "the whole log ends where its last page does");
        assertEquals(0, after.get("lines").size(), after.toString());
        assertEquals(page.get("next"), after.get("next"));
        Instant lastLine = Instant.parse(expected.get(expected.size() - 1).get("at").asText());
        assertTrue(Instant.parse(page.get("next").asText()).isAfter(lastLine));
    }

    @Test
    void aPageHoldsAtMostLimitLinesExceptToFinishItsLastMillisecond() {
        // Arrange
        String id = host.registerAndStart("prod", true);
        host.runQueues();

        // Act
        JsonNode page = host.get("/deployments/" + id + "/log?limit=1").json();

        // Assert: the lines past the first share its millisecond
        JsonNode lines = page.get("lines");
        Instant first = Instant.parse(lines.get(0).get("at").asText());
        for (JsonNode line : lines) {
            assertEquals(first.toEpochMilli(), Instant.parse(line.get("at").asText()).toEpochMilli(), page.toString());
        }
        assertTrue(page.get("more").asBoolean(), page.toString());
        assertEquals(Instant.ofEpochMilli(first.toEpochMilli() + 1).toString(), page.get("next").asText());
    }

    @Test
    void badSinceLimitOrAnUnknownParameterIsA400NamingEachAndAnUnknownIdIsA404() {
        // Arrange
        String id = host.registerAndStart("prod", false);

        // Act
        ApiClient.Response bad = host.get("/deployments/" + id + "/log?since=yesterday&limit=101&after=3");
        ApiClient.Response zero = host.get("/deployments/" + id + "/log?limit=0");
        ApiClient.Response notANumber = host.get("/deployments/" + id + "/log?limit=ten");
        ApiClient.Response unknown = host.get("/deployments/no-such-deployment/log?limit=5");

        // Assert
        assertEquals(400, bad.status(), bad.toString());
        assertEquals("application/problem+json", bad.contentType());
        List<String> fields = new ArrayList<>();
        bad.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertEquals(List.of("after", "since", "limit"), fields, bad.toString());
        assertTrue(bad.body().contains("2026-12-02T15:07:48.123Z"), "says what a since looks like: " + bad);
        assertTrue(bad.body().contains("from 1 to 100"), bad.toString());
        assertEquals(400, zero.status(), zero.toString());
        assertEquals(400, notANumber.status(), notANumber.toString());
        assertEquals(404, unknown.status(), unknown.toString());
    }
}
