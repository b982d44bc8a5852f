package io.smoothdeploy.engine.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * Why a deployment failed and what to do about it, as shown to the person who has to act.
 *
 * <p>The evidence lines are quoted from the deployment's own errors and log, never paraphrased, so a reader can
 * check the diagnosis instead of trusting it, and search for the same text in other tools.
 *
 * @param cause           the classified cause
 * @param summary         one sentence naming the cause in plain words, with the stage and web app
 * @param evidence        error messages first (the deciding one first), then the most relevant log lines, oldest
 *                        first; each prefixed with its time and web app where known; a handful at most
 * @param affectedWebApps the web apps named by an error or holding an error of their own
 * @param fix             what to change before starting again
 * @param advice          whether starting again with the same package can succeed
 */
public record Diagnosis(Cause cause, String summary, List<String> evidence, List<String> affectedWebApps, String fix,
                        Advice advice) {

    public Diagnosis {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(advice, "advice");
        evidence = List.copyOf(evidence);
        affectedWebApps = List.copyOf(affectedWebApps);
    }
}
