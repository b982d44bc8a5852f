package io.smoothdeploy.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a step queue carries: which deployment, which stage, which web app (null for a deployment-level
 * stage) and which check of that stage. The same work always has the same {@link #messageId()}, so the
 * queue's duplicate detection drops a second send.
 *
 * @param deploymentId the deployment
 * @param environment  its environment (the state's partition)
 * @param stage        the stage to run
 * @param webApp       the web app, or null
 * @param sequence     0 for the first run of the stage, n for its n-th check again
 * @param round        the deployment's round: 0, then one more for each roll forward, Complete or Reset, so
 *                     that every attempt gets new message ids and older messages are told apart
 * @param retry        how many transient failures in a row came before this run (0 normally)
 */
public record StepMessage(String deploymentId, String environment, Stage stage, String webApp, int sequence,
                          int round, int retry) {

    /** A message that follows no transient failure. */
    public StepMessage(String deploymentId, String environment, Stage stage, String webApp, int sequence, int round) {
        this(deploymentId, environment, stage, webApp, sequence, round, 0);
    }

    private static final int MAX_MESSAGE_ID_LENGTH = 128;

    /** A message of a deployment's first round. */
    public StepMessage(String deploymentId, String environment, Stage stage, String webApp, int sequence) {
        this(deploymentId, environment, stage, webApp, sequence, 0);
    }

    public Step step() {
        return stage.step();
    }

    /** Deterministic id: the same (deployment, stage, web app, check) always gives the same id. */
    public String messageId() {
        String id = deploymentId + (round == 0 ? "" : ".r" + round) + ":" + stage.name() + ":" + (webApp == null ? "-" : webApp) + ":" + sequence;
        if (id.length() <= MAX_MESSAGE_ID_LENGTH) {
            return id;
        }
        String hash = sha256Hex(id).substring(0, 40);
        String prefix = deploymentId.length() > MAX_MESSAGE_ID_LENGTH - 41
                ? deploymentId.substring(0, MAX_MESSAGE_ID_LENGTH - 41) : deploymentId;
        return prefix + ":" + hash;
    }

    private static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
