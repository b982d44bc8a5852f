package io.smoothdeploy.engine.port;

import java.util.Optional;

/**
 * The App Service part of the cloud port. Every method is an "ensure": calling it again once it has
 * taken effect changes nothing, except {@link #beginSwapWithProduction}, which callers guard by reading the
 * production slot first (and a repeated {@link #applyProductionConfiguration} or {@link #resetConfiguration},
 * which may restart the slot again).
 *
 * <p>Busy: while a site is swapping, App Service refuses every write to it (409 "Cannot modify this site because
 * another operation is in progress"); such a refusal is a {@linkplain CloudException#busy busy} CloudException
 * ({@link CloudException#OPERATION_IN_PROGRESS}), transient, with nothing changed. Reads are answered during a
 * swap, and show the slots as they were until the swap is over.
 */
public interface AppServiceCloud {

    /** The slot, or empty when the site has no slot of that name. Throws for a missing site. */
    Optional<SlotInfo> getSlot(SlotRef slot);

    /**
     * The site's slot-setting names (one list for the whole site, every slot shares it). Throws for a missing site.
     * A read: answered during a swap too.
     */
    SlotSettingNames slotSettingNames(String siteResourceId);

    /** Creates the slot (from the production slot's configuration) when it does not exist. */
    void ensureSlot(SlotRef slot);

    /** Merges app settings and connection strings into the slot. */
    void applyConfiguration(SlotRef slot, SlotConfiguration configuration);

    /** Points the slot at the package as run-from-package, and restarts it. */
    void deployPackage(SlotRef slot, String packageUri);

    /**
     * Returns once the slot's instances run its current settings. App Service restarts a slot asynchronously after
     * a write (app settings, connection strings, a package change, a swap's settings): the write is answered at once
     * and the previous process keeps answering for a while, so a request sent after the write may still reach the old
     * content. This asks for a soft, synchronous restart: "apply the configuration settings and restarts the app only
     * if necessary", blocking "until the app is restarted" ({@code WebApps_Restart}, {@code softRestart=true},
     * {@code synchronous=true}: https://learn.microsoft.com/rest/api/appservice/web-apps/restart). A slot already
     * running its settings is not restarted again; one with a restart still due is restarted before this returns
     * (its new instance may still be cold). Only answers that arrive after this returns come from the current
     * content. Refused {@linkplain CloudException#busy busy} while the site swaps.
     */
    void awaitCurrentInstance(SlotRef slot);

    /**
     * Starts swapping the slot's content and non-sticky settings with production, and returns as soon as the
     * cloud has accepted the swap (ARM: the POST's 202), without waiting for it: a swap takes from seconds to many
     * minutes. The slots change only when the swap is over; until then production still shows its old content.
     * The caller tells "done" by the content marker the source carried now being on production, reading
     * {@link #getSlot} in a later run. After a swap with preview ({@link #applyProductionConfiguration}) this is
     * its second phase: the source slot, already running with production's slot-sticky settings, becomes
     * production, and the slot that leaves production gets the source slot's own sticky settings.
     *
     * <p>Not an ensure: a second call after the first swap finished swaps the slots back (App Service's own way to
     * roll a swap back). A call while a swap (or another operation) on the site is running is refused
     * {@linkplain CloudException#busy busy}. An accepted swap can still be stopped by App Service (an instance
     * that fails to restart, warm-up requests that time out), changing nothing: only the marker on production
     * says a swap happened. Source: https://learn.microsoft.com/azure/app-service/deploy-staging-slots ("Swap
     * operation steps", "Roll back a swap", "Troubleshoot swaps").
     *
     * @throws IllegalArgumentException for the production slot
     */
    void beginSwapWithProduction(SlotRef source);

    /**
     * Phase 1 of a swap with preview: the source slot takes production's slot-sticky settings (app settings
     * and connection strings marked as slot settings) and restarts, so it can be warmed up with exactly the
     * configuration it will run with in production. Complete with {@link #beginSwapWithProduction}, or cancel with
     * {@link #resetConfiguration}.
     *
     * <p>Applying again while the preview is pending is harmless: the slot keeps production's sticky settings
     * (its own are still remembered for a cancel), though it may restart again. A site without slot-sticky
     * settings changes nothing but the restart.
     *
     * @throws IllegalArgumentException for the production slot, which cannot preview a swap with itself
     */
    void applyProductionConfiguration(SlotRef source);

    /**
     * Cancels a swap with preview: the source slot gets its own slot-sticky settings back and restarts.
     * Resetting a slot with no pending preview (never applied, cancelled already, or swapped since) is
     * harmless: nothing changes, though Azure may restart the slot.
     *
     * @throws IllegalArgumentException for the production slot
     */
    void resetConfiguration(SlotRef source);

    void startSlot(SlotRef slot);

    void stopSlot(SlotRef slot);
}
