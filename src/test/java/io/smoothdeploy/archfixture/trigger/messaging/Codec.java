package io.smoothdeploy.archfixture.trigger.messaging;

/** Fixture: an adapter's codec. */
public class Codec {
    public String decode(String body) {
        return body.trim();
    }
}
