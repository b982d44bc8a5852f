package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.port.SlotInfo;

/**
 * A non-sticky app setting that travels with a slot's content through a swap and says which content it
 * is. Reading it on the production slot tells whether a swap already happened, which makes swaps safe to
 * run again after a message is delivered twice.
 */
final class SlotMarkers {

    static final String SETTING = "SMOOTHDEPLOY_CONTENT";

    private SlotMarkers() {
    }

    static String maintenance(String deploymentId) {
        return "maintenance:" + deploymentId;
    }

    static String release(String deploymentId) {
        return "release:" + deploymentId;
    }

    static boolean carries(SlotInfo slot, String marker) {
        return marker.equals(slot.appSettings().get(SETTING));
    }
}
