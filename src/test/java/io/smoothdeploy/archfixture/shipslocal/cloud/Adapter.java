package io.smoothdeploy.archfixture.shipslocal.cloud;

import io.smoothdeploy.archfixture.shipslocal.local.EmulatorToken;

/** Fixture: shipped code that imports the local tooling (planted violation). */
public class Adapter {
    public String token() {
        return EmulatorToken.value();
    }
}
