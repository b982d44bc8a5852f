package io.smoothdeploy.engine.port;

import java.time.Duration;

/**
 * One warm-up request's result.
 *
 * @param hostName the Host header sent
 * @param path     the path asked for
 * @param outcome  how it went
 * @param status   the HTTP status, or 0 when there was no answer
 * @param latency  how long it took
 * @param detail   the first line of an error body, or the connection error; never a secret
 */
public record ProbeResult(String hostName, String path, Outcome outcome, int status, Duration latency,
                          String detail) {

    public enum Outcome { OK, CONNECTION_REFUSED, TIMEOUT, FORBIDDEN, SERVER_ERROR, UNEXPECTED_STATUS }

    public boolean ok() {
        return outcome == Outcome.OK;
    }
}
