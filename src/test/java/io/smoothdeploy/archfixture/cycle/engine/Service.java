package io.smoothdeploy.archfixture.cycle.engine;

/** Fixture: half of a planted cycle (the state package uses this class). */
public class Service {
    public static String name() {
        return "service";
    }
}
