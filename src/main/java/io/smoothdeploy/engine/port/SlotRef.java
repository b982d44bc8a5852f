package io.smoothdeploy.engine.port;

/**
 * A deployment slot of an App Service site. The production slot is named {@link #PRODUCTION}.
 *
 * @param siteResourceId the site's ARM resource id
 * @param slot           the slot name
 */
public record SlotRef(String siteResourceId, String slot) {

    public static final String PRODUCTION = "production";

    public static SlotRef production(String siteResourceId) {
        return new SlotRef(siteResourceId, PRODUCTION);
    }

    public boolean isProduction() {
        return PRODUCTION.equals(slot);
    }

    /** The site name: the last segment of its resource id. */
    public String siteName() {
        return siteResourceId.substring(siteResourceId.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return siteName() + "/" + slot;
    }
}
