package io.smoothdeploy.local.emulator;

/**
 * One request that reached the emulator.
 *
 * @param method     the HTTP method
 * @param path       the path, without the query string
 * @param apiVersion the {@code api-version} query parameter, or null
 * @param operation  the emulator's name for the route (see {@link AzureEmulator#failNext}), or {@code unknown}
 * @param status     the status the emulator answered
 */
public record RecordedRequest(String method, String path, String apiVersion, String operation, int status) {

    @Override
    public String toString() {
        return method + " " + path;
    }
}
