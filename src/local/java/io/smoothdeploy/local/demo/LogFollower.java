package io.smoothdeploy.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** Prints a deployment's new log lines as they appear, until it reaches a status. */
final class LogFollower {

    private final DemoApi api;
    private final String deploymentId;
    private int printed;

    LogFollower(DemoApi api, String deploymentId) {
        this.api = api;
        this.deploymentId = deploymentId;
    }

    /** Follows until the deployment is {@code status}; fails when it ends otherwise or time runs out. */
    JsonNode until(DemoApi status, String id, String wanted, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            printNew();
            JsonNode deployment = status.get("/deployments/" + id);
            String now = deployment.get("status").asText();
            if (now.equals(wanted)) {
                printNew();
                return deployment;
            }
            if (now.equals("Failed") || now.equals("Reset") || now.equals("Succeeded") || now.equals("Cancelled")) {
                printNew();
                throw new IllegalStateException("deployment ended " + now + " while waiting for " + wanted + ": "
                        + deployment.get("errors"));
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("deployment did not reach " + wanted + " within " + limit.toSeconds() + " s");
    }

    private void printNew() {
        JsonNode lines = api.get("/deployments/" + deploymentId + "/log").get("lines");
        for (int i = printed; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            String webApp = line.has("webApp") ? "[" + line.get("webApp").asText() + "] " : "";
            System.out.println(line.get("at").asText().substring(11, 23) + " " + line.get("level").asText() + " "
                    + webApp + line.get("message").asText());
        }
        printed = lines.size();
        System.out.flush();
    }
}
