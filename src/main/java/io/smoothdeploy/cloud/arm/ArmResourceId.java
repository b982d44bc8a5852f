package io.smoothdeploy.cloud.arm;

import io.smoothdeploy.engine.port.CloudException;

/**
 * The parts of an ARM resource id that the service clients take as parameters:
 * {@code /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/{provider}/{type}/{name}}.
 *
 * @param subscriptionId the subscription
 * @param resourceGroup  the resource group
 * @param provider       the resource provider, such as {@code Microsoft.Web}
 * @param type           the resource type, such as {@code sites}
 * @param name           the resource name
 */
record ArmResourceId(String subscriptionId, String resourceGroup, String provider, String type, String name) {

    /**
     * Parses a top-level resource id of {@code provider/type} (compared case-insensitively, as ARM does).
     *
     * @throws CloudException with code {@code InvalidResourceId} when the id is not one
     */
    static ArmResourceId parse(String resourceId, String provider, String type) {
        String[] parts = resourceId == null ? new String[0] : resourceId.replaceAll("^/+|/+$", "").split("/");
        if (parts.length != 8 || !parts[0].equalsIgnoreCase("subscriptions") || !parts[2].equalsIgnoreCase("resourceGroups")
                || !parts[4].equalsIgnoreCase("providers") || !parts[5].equalsIgnoreCase(provider)
                || !parts[6].equalsIgnoreCase(type) || parts[1].isBlank() || parts[3].isBlank() || parts[7].isBlank()) {
            throw new CloudException("InvalidResourceId", "'" + resourceId + "' is not a " + provider + "/" + type
                    + " resource id (/subscriptions/{id}/resourceGroups/{group}/providers/" + provider + "/" + type
                    + "/{name})", false);
        }
        return new ArmResourceId(parts[1], parts[3], parts[5], parts[6], parts[7]);
    }

    /** The canonical id: {@code /subscriptions/…/providers/{provider}/{type}/{name}}. */
    String id() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/" + provider + "/"
                + type + "/" + name;
    }
}
