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
import io.smoothdeploy.api.PortalAssets;
import io.smoothdeploy.app.Orchestrator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * HTTP triggers: each one hands its request to {@link HttpApi} and returns its answer.
 *
 * <p><b>Why every route is {@code AuthorizationLevel.ANONYMOUS}:</b> who may call is decided by Entra ID, not by
 * a function key. App Service authentication runs in front of the app, validates the caller's token and injects
 * the principal; {@link HttpApi} then checks the principal's app roles on every route (see
 * {@link io.smoothdeploy.api.Access}) and answers 401 without one. A function key on top would be a second,
 * shared secret that says nothing about who called, and would bring back the key the pipelines no longer need.
 * When the app runs without platform authentication, the code trusts no principal header and every route but
 * the OpenAPI document answers 401: it fails closed.
 */
public class HttpApiFunctions {

    private final HttpApi api;

    public HttpApiFunctions(Orchestrator orchestrator) {
        this.api = orchestrator.httpApi();
    }

    @FunctionName("PutEnvironment")
    public HttpResponseMessage putEnvironment(
            @HttpTrigger(name = "req", methods = {HttpMethod.PUT}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "environments/{name}") HttpRequestMessage<Optional<String>> request,
            @BindingName("name") String name, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/environments/" + name,
                body -> api.putEnvironment(name, body, request.getHeaders())));
    }

    @FunctionName("GetEnvironment")
    public HttpResponseMessage getEnvironment(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "environments/{name}") HttpRequestMessage<Optional<String>> request,
            @BindingName("name") String name, ExecutionContext context) {
        return respond(request, api.getEnvironment(name, request.getHeaders()));
    }

    @FunctionName("ListEnvironments")
    public HttpResponseMessage listEnvironments(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "environments") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return respond(request, api.listEnvironments(request.getHeaders()));
    }

    @FunctionName("ListDeployments")
    public HttpResponseMessage listDeployments(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "environments/{name}/deployments") HttpRequestMessage<Optional<String>> request,
            @BindingName("name") String name, ExecutionContext context) {
        return respond(request, api.listDeployments(name, request.getQueryParameters(), request.getHeaders()));
    }

    @FunctionName("DeleteEnvironment")
    public HttpResponseMessage deleteEnvironment(
            @HttpTrigger(name = "req", methods = {HttpMethod.DELETE}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "environments/{name}") HttpRequestMessage<Optional<String>> request,
            @BindingName("name") String name, ExecutionContext context) {
        return respond(request, api.deleteEnvironment(name, request.getHeaders()));
    }

    @FunctionName("StartDeployment")
    public HttpResponseMessage startDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments",
                body -> api.startDeployment(body, request.getHeaders())));
    }

    @FunctionName("PlanDeployment")
    public HttpResponseMessage planDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/plan") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments/plan",
                body -> api.planDeployment(body, request.getHeaders())));
    }

    @FunctionName("GetDeployment")
    public HttpResponseMessage getDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getDeployment(id, request.getHeaders()));
    }

    @FunctionName("GetDeploymentLog")
    public HttpResponseMessage getDeploymentLog(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/log") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getDeploymentLog(id, request.getQueryParameters(), request.getHeaders()));
    }

    @FunctionName("GetDeploymentDiagnosis")
    public HttpResponseMessage getDeploymentDiagnosis(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/diagnosis") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getDiagnosis(id, request.getHeaders()));
    }

    @FunctionName("GetDeploymentTimeline")
    public HttpResponseMessage getDeploymentTimeline(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/timeline") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getTimeline(id, request.getHeaders()));
    }

    @FunctionName("GetSupportBundle")
    public HttpResponseMessage getSupportBundle(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/support-bundle") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, api.getSupportBundle(id, request.getHeaders()));
    }

    @FunctionName("CompleteDeployment")
    public HttpResponseMessage completeDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/complete") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments/" + id + "/complete",
                body -> api.completeDeployment(id, body, request.getHeaders())));
    }

    @FunctionName("ResetDeployment")
    public HttpResponseMessage resetDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/reset") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments/" + id + "/reset",
                body -> api.resetDeployment(id, body, request.getHeaders())));
    }

    @FunctionName("CancelDeployment")
    public HttpResponseMessage cancelDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/cancel") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments/" + id + "/cancel",
                body -> api.cancelDeployment(id, body, request.getHeaders())));
    }

    @FunctionName("RollbackDeployment")
    public HttpResponseMessage rollbackDeployment(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "deployments/{id}/rollback") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return respond(request, jsonBody(request, "/api/deployments/" + id + "/rollback",
                body -> api.rollbackDeployment(id, body, request.getHeaders())));
    }

    /**
     * The API's OpenAPI document. ANONYMOUS and without a principal check on purpose: a spec is public, holds no
     * secret, and tools (and people) fetch it before signing in; every route it describes still needs a role.
     */
    @FunctionName("GetOpenApi")
    public HttpResponseMessage getOpenApi(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "openapi.json") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return respond(request, OpenApiDocument.response());
    }

    /** Who the caller is and what their roles allow (role Reader): the portal shows it and disables what is not. */
    @FunctionName("GetMe")
    public HttpResponseMessage getMe(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "me") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return respond(request, api.me(request.getHeaders()));
    }

    /**
     * The portal's page and its files ({@link PortalAssets}). Not an API operation, so not in the OpenAPI document:
     * it answers fixed files of the repository, holds no data and checks no role; every read the page makes goes to
     * the API with the caller's own sign-in.
     */
    @FunctionName("GetPortal")
    public HttpResponseMessage getPortal(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "portal/{*asset}") HttpRequestMessage<Optional<String>> request,
            @BindingName("asset") String asset, ExecutionContext context) {
        return respond(request, PortalAssets.response(asset));
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
}
