package io.smoothdeploy.local.emulator;

/**
 * Hears what happens to the emulator's slots. The slot runtime (each slot a loopback HTTP listener running
 * its package, see {@link AzureEmulator#servePackagesFrom}) listens here, first; tests may too.
 *
 * <p>Called with the emulator's lock held, right after the change, so that what an observer sees is
 * exactly the state ARM answers from (a swap is seen as one event, as the App Service front end switches
 * atomically). An observer must be quick and must not call back into the emulator from another thread
 * and wait for it.
 */
public interface SlotObserver {

    /** A slot was created through ARM, or a site was seeded (its production slot). */
    default void slotCreated(EmulatedSite site, EmulatedSlot slot) {
    }

    /** App settings or connection strings changed (App Service restarts the slot after this). */
    default void settingsChanged(EmulatedSite site, EmulatedSlot slot) {
    }

    default void restarted(EmulatedSite site, EmulatedSlot slot) {
    }

    /**
     * A restart took effect at {@code at} (which may be a little before the moment it is noticed: restarts that a
     * write asked for take effect after {@link AzureEmulator#setRestartLag the restart lag}). By default the same as
     * {@link #restarted}.
     */
    default void restartedAt(EmulatedSite site, EmulatedSlot slot, java.time.Instant at) {
        restarted(site, slot);
    }

    default void started(EmulatedSite site, EmulatedSlot slot) {
    }

    default void stopped(EmulatedSite site, EmulatedSlot slot) {
    }

    /** {@code source} and {@code target} (usually production) exchanged their content and settings. */
    default void swapped(EmulatedSite site, EmulatedSlot source, EmulatedSlot target) {
    }
}
