package io.smoothdeploy.local;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/** Test-only HTTP functions, annotated as the real ones are. */
public class TestHttpFunctions {

    @FunctionName("GetItem")
    public HttpResponseMessage getItem(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "items/{id}") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return request.createResponseBuilder(HttpStatus.OK).header("Content-Type", "text/plain")
                .body("item " + id).build();
    }

    @FunctionName("DeleteItem")
    public HttpResponseMessage deleteItem(
            @HttpTrigger(name = "req", methods = {HttpMethod.DELETE}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "items/{id}") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        return request.createResponseBuilder(HttpStatus.NO_CONTENT).build();
    }

    @FunctionName("GetSpecialItem")
    public HttpResponseMessage getSpecialItem(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "items/special") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return request.createResponseBuilder(HttpStatus.OK).body("the special item").build();
    }

    @FunctionName("AddNote")
    public HttpResponseMessage addNote(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "items/{id}/notes") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id, ExecutionContext context) {
        String echo = "id=" + id
                + ";mode=" + request.getQueryParameters().get("mode")
                + ";body=" + request.getBody().orElse("<none>")
                + ";header=" + request.getHeaders().get("X-Test")
                + ";method=" + request.getHttpMethod()
                + ";uri=" + request.getUri();
        return request.createResponseBuilder(HttpStatus.CREATED)
                .header("Location", request.getUri().getScheme() + "://" + request.getUri().getRawAuthority()
                        + "/api/items/" + id + "/notes/1")
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(echo).build();
    }

    @FunctionName("WhoAmI")
    public HttpResponseMessage whoAmI(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "whoami") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        context.getLogger().fine("who am I?");
        return request.createResponseBuilder(HttpStatus.OK)
                .body(context.getFunctionName() + "/" + context.getInvocationId()).build();
    }

    @FunctionName("Boom")
    public HttpResponseMessage boom(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "boom") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        throw new IllegalStateException("connection string Password=hunter2 rejected");
    }
}
