package io.smoothdeploy.archfixture.clean.functions;

import io.smoothdeploy.archfixture.clean.app.Composition;

/** Fixture: a trigger reaches the application through its entry point. */
public class Trigger {
    public String run(String key) {
        return Composition.service().read(key);
    }
}
