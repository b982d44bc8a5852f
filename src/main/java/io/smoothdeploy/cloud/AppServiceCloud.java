package io.smoothdeploy.cloud;

import java.util.Optional;

/**
 * The App Service part of the cloud port. Every method is an "ensure": calling it again once it has
 * taken effect changes nothing, except {@link #swapWithProduction}, which callers guard by reading the
 * production slot first.
 */
public interface AppServiceCloud {

    /** The slot, or empty when the site has no slot of that name. Throws for a missing site. */
    Optional<SlotInfo> getSlot(SlotRef slot);

    /** Creates the slot (from the production slot's configuration) when it does not exist. */
    void ensureSlot(SlotRef slot);

    /** Merges app settings and connection strings into the slot. */
    void applyConfiguration(SlotRef slot, SlotConfiguration configuration);

    /** Points the slot at the package as run-from-package, and restarts it. */
    void deployPackage(SlotRef slot, String packageUri);

    /** Swaps the slot's content and non-sticky settings with production. */
    void swapWithProduction(SlotRef source);

    void startSlot(SlotRef slot);

    void stopSlot(SlotRef slot);
}
