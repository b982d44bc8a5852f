package io.smoothdeploy.archfixture.cycle.state;

import io.smoothdeploy.archfixture.cycle.engine.Service;

/** Fixture: the adapter uses the engine (allowed alone)... */
public class Store {
    public String get() {
        return Service.name();
    }
}
