package io.smoothdeploy.cloud.arm;

import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryStrategy;
import java.time.Duration;

/**
 * A retry strategy that keeps a throttled call from waiting out a long {@code Retry-After} inside the request.
 *
 * <p>azure-core's {@code RetryPolicy} built from a strategy alone honours {@code Retry-After} (and
 * {@code retry-after-ms}, {@code x-ms-retry-after-ms}) by sleeping that long before it tries again, up to its
 * retry count. ARM can ask for tens of seconds on a 429
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling), which
 * inside a step handler would eat its delivery budget (twice, with two retries). So a 429 that asks for more
 * than {@link #IN_CALL_LIMIT} is not retried here: it reaches {@link ArmErrors} as a throttled
 * {@code CloudException} carrying the wait, and the engine schedules the next attempt no sooner than that. A
 * short one, and every other retriable answer, is left to the wrapped strategy.
 */
final class ThrottleAwareRetry implements RetryStrategy {

    /** The longest Retry-After a request waits out itself. */
    static final Duration IN_CALL_LIMIT = Duration.ofSeconds(2);

    private final RetryStrategy delegate;

    ThrottleAwareRetry(RetryStrategy delegate) {
        this.delegate = delegate;
    }

    @Override
    public int getMaxRetries() {
        return delegate.getMaxRetries();
    }

    @Override
    public Duration calculateRetryDelay(int retryAttempts) {
        return delegate.calculateRetryDelay(retryAttempts);
    }

    @Override
    public boolean shouldRetry(HttpResponse response) {
        return !waitsTooLong(response) && delegate.shouldRetry(response);
    }

    @Override
    public boolean shouldRetryException(Throwable throwable) {
        return delegate.shouldRetryException(throwable);
    }

    @Override
    public boolean shouldRetryCondition(RequestRetryCondition condition) {
        HttpResponse response = condition.getResponse();
        if (response != null && waitsTooLong(response)) {
            return false;
        }
        return delegate.shouldRetryCondition(condition);
    }

    private static boolean waitsTooLong(HttpResponse response) {
        if (response.getStatusCode() != HTTP_STATUS_TOO_MANY_REQUESTS) {
            return false;
        }
        Duration wait = ArmErrors.retryAfter(response.getHeaders());
        return wait != null && wait.compareTo(IN_CALL_LIMIT) > 0;
    }
}
