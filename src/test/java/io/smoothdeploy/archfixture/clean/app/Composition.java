package io.smoothdeploy.archfixture.clean.app;

import io.smoothdeploy.archfixture.clean.engine.Service;
import io.smoothdeploy.archfixture.clean.state.TableStore;

/** Fixture: the composition root wires the adapter into the engine. */
public class Composition {
    public static Service service() {
        return new Service(new TableStore(null));
    }
}
