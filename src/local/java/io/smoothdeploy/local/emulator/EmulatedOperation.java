package io.smoothdeploy.local.emulator;

import java.util.function.BooleanSupplier;

/**
 * A long-running operation, polled through its {@code Azure-AsyncOperation} URL (a database create) or its
 * {@code Location} (a slot swap, which answers 202 while in progress, 200 when done): {@code InProgress} until
 * {@code done} says so, then {@code Succeeded}, or {@code Failed} with an error when {@code failure} says so.
 */
final class EmulatedOperation {

    private final String id;
    private final BooleanSupplier done;
    private final java.util.function.Supplier<String[]> failure;

    /** @param failure null, or a supplier of {code, message} (null while not failed) */
    EmulatedOperation(String id, BooleanSupplier done, java.util.function.Supplier<String[]> failure) {
        this.id = id;
        this.done = done;
        this.failure = failure;
    }

    String id() {
        return id;
    }

    /** {@code InProgress}, {@code Succeeded} or {@code Failed}. */
    String status() {
        if (error() != null) {
            return "Failed";
        }
        return done.getAsBoolean() ? "Succeeded" : "InProgress";
    }

    String[] error() {
        return failure == null ? null : failure.get();
    }
}
