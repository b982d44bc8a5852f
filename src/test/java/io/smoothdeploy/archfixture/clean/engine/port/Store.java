package io.smoothdeploy.archfixture.clean.engine.port;

/** Fixture: a port the engine owns. */
public interface Store {
    String get(String key);
}
