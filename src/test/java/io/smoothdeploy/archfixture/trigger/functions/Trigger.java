package io.smoothdeploy.archfixture.trigger.functions;

import io.smoothdeploy.archfixture.trigger.messaging.Codec;

/** Fixture: a trigger that reaches into an adapter (planted violation). */
public class Trigger {
    public String run(String body) {
        return new Codec().decode(body);
    }
}
