package io.smoothdeploy.archfixture.clean.state;

import com.azure.core.credential.TokenCredential;
import io.smoothdeploy.archfixture.clean.engine.port.Store;

/** Fixture: an adapter implements the engine's port and may use Azure. */
public class TableStore implements Store {
    private final TokenCredential credential;

    public TableStore(TokenCredential credential) {
        this.credential = credential;
    }

    @Override
    public String get(String key) {
        return key + credential.getClass().getSimpleName();
    }
}
