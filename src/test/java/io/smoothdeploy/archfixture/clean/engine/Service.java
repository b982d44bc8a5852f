package io.smoothdeploy.archfixture.clean.engine;

import io.smoothdeploy.archfixture.clean.engine.port.Store;

/** Fixture: the engine uses its own port. */
public class Service {
    private final Store store;

    public Service(Store store) {
        this.store = store;
    }

    public String read(String key) {
        return store.get(key);
    }
}
