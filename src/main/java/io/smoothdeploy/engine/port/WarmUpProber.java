package io.smoothdeploy.engine.port;

import java.util.List;

/** The warm-up port: one round of requests, every host name and path once. */
public interface WarmUpProber {

    List<ProbeResult> probe(WarmUpTarget target);
}
