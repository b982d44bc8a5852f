package io.smoothdeploy.local.emulator;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An App Service site (Microsoft.Web/sites) and its slots. Guarded by the emulator's lock.
 */
public final class EmulatedSite {

    private final String subscriptionId;
    private final String resourceGroup;
    private final String name;
    private final String location;
    private final Map<String, EmulatedSlot> slots = new LinkedHashMap<>();
    /** Sticky ("slot setting") names: these stay with their slot in a swap. Empty: everything travels. */
    final Set<String> slotSettingNames = new LinkedHashSet<>();
    final Set<String> slotConnectionStringNames = new LinkedHashSet<>();
    /**
     * Custom domains bound to the site (lower case). App Service binds a custom domain to one app: the production
     * slot, unless a slot's own hostNameBindings name it (WebApps_CreateOrUpdateHostNameBinding, and "Map an existing
     * custom DNS name" in https://learn.microsoft.com/azure/app-service/app-service-web-tutorial-custom-domain). The
     * binding belongs to the slot, not its content: after a swap the domain reaches whatever production now runs
     * (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are swapped?": custom
     * domain names are not swapped). Only production bindings are modelled.
     */
    final Set<String> customHostNames = new LinkedHashSet<>();
    /**
     * What each swap into production changed in production's site configuration, as {@code field: before -> after}:
     * a slot that reaches production without production's stack, bitness or always-on is a defect of whoever created
     * it. Site configuration (framework version, bitness, web sockets, HTTP version, always-on…) travels with the
     * content in a swap (https://learn.microsoft.com/azure/app-service/deploy-staging-slots, "Which settings are
     * swapped?").
     */
    final java.util.List<String> configurationMismatches = new java.util.ArrayList<>();
    /** The swap running on this site, or null. */
    PendingSwap swap;

    /**
     * A swap App Service has accepted and is still running: the two slots exchange when {@code doneAt} has passed
     * on the emulator's clock and the source's warm-up has answered; until then they answer as before, and writes to
     * the site are refused (409). {@code appliedSettings}: the swap itself applied the target's slot settings to
     * the source (no swap with preview was pending), so a stopped swap puts the source's own back.
     */
    record PendingSwap(String source, String target, java.time.Instant startedAt, java.time.Instant doneAt,
                       String operationId, boolean appliedSettings) {

        /** The same swap, over no sooner than {@code later} (its warm-up is still waiting for an answer). */
        PendingSwap until(java.time.Instant later) {
            return new PendingSwap(source, target, startedAt, later, operationId, appliedSettings);
        }
    }

    /**
     * Swaps App Service stopped (a failed restart, or a warm-up that did not answer an accepted status in time), by
     * operation id: {code, message}. Nothing of them changed the slots.
     */
    final Map<String, String[]> stoppedSwaps = new LinkedHashMap<>();

    EmulatedSite(String subscriptionId, String resourceGroup, String name, String location) {
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.location = location;
        slots.put("production", new EmulatedSlot("production", hostName("production")));
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public String name() {
        return name;
    }

    public String location() {
        return location;
    }

    /** {@code /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{name}} */
    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Web/sites/" + name;
    }

    /** {@code name.azurewebsites.net} for production, {@code name-slot.azurewebsites.net} for a slot, as in Azure. */
    String hostName(String slot) {
        String site = name.toLowerCase(Locale.ROOT);
        return "production".equals(slot) ? site + ".azurewebsites.net"
                : site + "-" + slot.toLowerCase(Locale.ROOT) + ".azurewebsites.net";
    }

    Optional<EmulatedSlot> slot(String slotName) {
        return Optional.ofNullable(slots.get(slotName.toLowerCase(Locale.ROOT)));
    }

    EmulatedSlot production() {
        return slots.get("production");
    }

    EmulatedSlot addSlot(String slotName) {
        EmulatedSlot slot = new EmulatedSlot(slotName, hostName(slotName));
        slots.put(slotName.toLowerCase(Locale.ROOT), slot);
        return slot;
    }

    /** The custom domains bound to the production slot, in the order they were bound. */
    public Set<String> customHostNames() {
        return Set.copyOf(customHostNames);
    }

    Iterable<EmulatedSlot> slots() {
        return slots.values();
    }
}
