package io.smoothdeploy.archfixture.clean.local;

import io.smoothdeploy.archfixture.clean.app.Composition;

/** Fixture: the local tooling may use the shipped code. */
public class Tool {
    public String run() {
        return Composition.service().read("local");
    }
}
