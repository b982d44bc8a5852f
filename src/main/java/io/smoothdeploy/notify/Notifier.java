package io.smoothdeploy.notify;

/** The notification port: tells people about a status change, or an environment that needs them. */
public interface Notifier {

    /**
     * Posts the notification to {@code url}, as JSON.
     *
     * @return true when it was delivered, false when every attempt failed (already logged)
     */
    boolean post(String url, Object notification);
}
