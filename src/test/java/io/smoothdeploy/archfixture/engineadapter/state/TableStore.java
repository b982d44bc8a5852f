package io.smoothdeploy.archfixture.engineadapter.state;

/** Fixture: an adapter. */
public class TableStore {
    public String get() {
        return "row";
    }
}
