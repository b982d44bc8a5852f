package io.smoothdeploy.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.smoothdeploy.api.ApiResponse;
import io.smoothdeploy.api.HttpApi;
import io.smoothdeploy.api.JsonMediaType;
import io.smoothdeploy.api.OpenApiDocument;
import io.smoothdeploy.app.Orchestrator;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** HTTP triggers: each one hands its request to {@link HttpApi} and returns its answer. */
public class HttpApiFunctions {

    private final HttpApi api;

    public HttpApiFunctions(Orchestrator orchestrator) {
        this.api = orchestrator.httpApi();
    }

    @FunctionName("PutEnvironment")
    public HttpResponseMessage putEnvironment(
            @HttpTrigger(name = "req", methods = {HttpMethod.PUT}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "environments/{name}") HttpRequestMessage<Optional<String>> request,
            @BindingName("name") String name, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/environments/" + name, body -> api.putEnvironment(name, body)));
    }

    @FunctionName("GetEnvironment")
    public HttpResponseMessage getEnvironment(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "environments/{name}") HttpRequestMessage<Optional<String>> request,
            @BindingName("name") String name, ExecutionContext context) {
        return respond(request, api.getEnvironment(name));
    }

    @FunctionName("StartDeployment")
    public HttpResponseMessage startDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments",
                body -> api.startDeployment(body, apiBase(request.getUri()))));
    }

    @FunctionName("GetDeployment")
    public HttpResponseMessage getDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments/{id}") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getDeployment(id));
    }

    @FunctionName("GetDeploymentLog")
    public HttpResponseMessage getDeploymentLog(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments/{id}/log") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getDeploymentLog(id));
    }

    @FunctionName("GetDeploymentDiagnosis")
    public HttpResponseMessage getDeploymentDiagnosis(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments/{id}/diagnosis") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getDiagnosis(id));
    }

    @FunctionName("GetDeploymentTimeline")
    public HttpResponseMessage getDeploymentTimeline(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments/{id}/timeline") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getTimeline(id));
    }

    @FunctionName("GetSupportBundle")
    public HttpResponseMessage getSupportBundle(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments/{id}/support-bundle") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getSupportBundle(id));
    }

    @FunctionName("CompleteDeployment")
    public HttpResponseMessage completeDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments/{id}/complete") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments/" + id + "/complete",
                body -> api.completeDeployment(id, body, principal(request))));
    }

    @FunctionName("ResetDeployment")
    public HttpResponseMessage resetDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "deployments/{id}/reset") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments/" + id + "/reset",
                body -> api.resetDeployment(id, body)));
    }

    /**
     * The API's OpenAPI document. ANONYMOUS on purpose: a spec is public, holds no secret, and tools (and
     * people) fetch it without a function key; every route it describes still needs one.
     */
    @FunctionName("GetOpenApi")
    public HttpResponseMessage getOpenApi(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "openapi.json") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return respond(request, OpenApiDocument.response());
    }

    /** The URL prefix that API paths hang from, for Location headers: scheme, authority and "/api". */
    static String apiBase(URI requestUri) {
        return requestUri.getScheme() + "://" + requestUri.getRawAuthority() + "/api";
    }

    /** Hands the body to {@code handler} when it is sent as JSON (or is empty); else the 415 answer. */
    private static ApiResponse jsonBody(HttpRequestMessage<Optional<String>> request, String instance,
                                        Function<String, ApiResponse> handler) {
        String body = request.getBody().orElse(null);
        return JsonMediaType.refusal(instance, request.getHeaders(), body).orElseGet(() -> handler.apply(body));
    }

    private static HttpResponseMessage respond(HttpRequestMessage<?> request, ApiResponse answer) {
        HttpResponseMessage.Builder builder = request.createResponseBuilder(status(answer.status()));
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        if (answer.body() != null) {
            builder.body(answer.body());
        }
        return builder.build();
    }

    private static HttpStatusType status(int code) {
        return HttpStatusType.custom(code);
    }

    /** The signed-in caller's name when App Service authentication is on (its headers cannot be forged past it). */
    private static String principal(HttpRequestMessage<?> request) {
        return request.getHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("X-MS-CLIENT-PRINCIPAL-NAME"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
