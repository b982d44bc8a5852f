package io.smoothdeploy.api;

import java.util.Map;

/** WORK IN PROGRESS: signatures fixed; bodies being written. */
public final class HttpApi {
    public ApiResponse putEnvironment(String name, String body) { return todo(); }
    public ApiResponse getEnvironment(String name) { return todo(); }
    public ApiResponse startDeployment(String body, String apiBaseUrl) { return todo(); }
    public ApiResponse getDeployment(String id) { return todo(); }
    public ApiResponse getDeploymentLog(String id) { return todo(); }
    public ApiResponse completeDeployment(String id, String body) { return todo(); }
    public ApiResponse resetDeployment(String id, String body) { return todo(); }
    private static ApiResponse todo() { return new ApiResponse(501, Map.of(), null); }
}
