package io.smoothdeploy.archfixture.cycle.engine;

import io.smoothdeploy.archfixture.cycle.notify.Hook;

/** Fixture: ...and the engine uses notify: engine -> notify -> state -> engine, a planted cycle. */
public class Loop {
    public String close() {
        return new Hook().fire();
    }
}
