package io.smoothdeploy.archfixture.engineadapter.engine;

import io.smoothdeploy.archfixture.engineadapter.state.TableStore;

/** Fixture: the engine imports an adapter (planted violation). */
public class Service {
    public String read() {
        return new TableStore().get();
    }
}
