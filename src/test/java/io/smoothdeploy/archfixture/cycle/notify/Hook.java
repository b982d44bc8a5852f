package io.smoothdeploy.archfixture.cycle.notify;

import io.smoothdeploy.archfixture.cycle.state.Store;

/** Fixture: ...notify uses state... */
public class Hook {
    public String fire() {
        return new Store().get();
    }
}
