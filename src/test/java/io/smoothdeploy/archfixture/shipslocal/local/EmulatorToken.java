package io.smoothdeploy.archfixture.shipslocal.local;

/** Fixture: local tooling. */
public class EmulatorToken {
    public static String value() {
        return "token";
    }
}
