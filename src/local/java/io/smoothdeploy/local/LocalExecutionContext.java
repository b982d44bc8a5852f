package io.smoothdeploy.local;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The {@link ExecutionContext} the local host gives a function: an invocation id, the function's name and
 * a {@code java.util.logging} logger named {@code Function.<name>}, like the category Azure logs it under.
 */
public final class LocalExecutionContext implements ExecutionContext {

    private final String invocationId;
    private final String functionName;
    private final Logger logger;

    public LocalExecutionContext(String invocationId, String functionName) {
        this.invocationId = Objects.requireNonNull(invocationId, "invocationId");
        this.functionName = Objects.requireNonNull(functionName, "functionName");
        this.logger = Logger.getLogger("Function." + functionName);
    }

    /** A context with a fresh random invocation id. */
    public static LocalExecutionContext forFunction(String functionName) {
        return new LocalExecutionContext(UUID.randomUUID().toString(), functionName);
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String toString() {
        return "LocalExecutionContext[" + functionName + ", " + invocationId + "]";
    }
}
