package io.smoothdeploy.engine.diagnosis;

import java.util.Arrays;
import java.util.Optional;

/**
 * The next move after a failure, reduced to the one question a pipeline has to answer: may it start again with
 * the package it already has, or does the failure sit in the package so that only a new build can get past it?
 */
public enum Advice {
    /** The package is not at fault: fix the setting, permission or environment named in the fix, then start again. */
    RETRY_SAME_PACKAGE("RetrySamePackage"),
    /** Starting again with this package fails the same way: build and deploy a fixed one. */
    DEPLOY_FIXED_PACKAGE("DeployFixedPackage");

    private final String wireName;

    Advice(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON and on the command line. */
    public String wireName() {
        return wireName;
    }

    /** The advice with this wire name, if there is one. */
    public static Optional<Advice> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
    }
}
