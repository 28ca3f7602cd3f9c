package dev.flowpulse.ingest.rest;

import dev.flowpulse.runtime.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What to do after one attempt of a REST call: pure decisions, so the rules are unit-tested
 * without a server. 2xx succeeds; 429 waits {@code Retry-After} (else the backoff), capped;
 * 5xx, 408 and transport failures (no response, timeout) back off with full jitter; a 403 that
 * says CSRF refreshes the token once; other 401/403 are an authentication failure; any other 4xx
 * is a permanent error (a request Prefect will never accept). Every retry counts against
 * {@link RestSettings#maxAttempts()}.
 */
public final class RetryPolicy {

    /** The verdict for one attempt. */
    public sealed interface Decision {}

    public record Succeed() implements Decision {}

    public record Retry(Duration delay) implements Decision {}

    public record RefreshCsrf() implements Decision {}

    public record FailAuth() implements Decision {}

    /** @param retryable true when it was a transient failure whose retries ran out */
    public record Fail(boolean retryable) implements Decision {}

    private final RestSettings settings;

    public RetryPolicy(RestSettings settings) {
        this.settings = settings;
    }

    /**
     * @param status     HTTP status, or 0 when no response arrived
     * @param body       the response body (only checked for Prefect's CSRF messages), may be null
     * @param retryAfter the {@code Retry-After} header, may be null
     * @param attempt    1 for the first attempt
     * @param csrfRefreshed whether this call already refreshed its CSRF token
     */
    public Decision decide(
            int status,
            String body,
            String retryAfter,
            int attempt,
            boolean csrfRefreshed,
            Backoff backoff,
            Instant now) {
        if (status >= 200 && status < 300) {
            return new Succeed();
        }
        if (status == 403 && isCsrfRejection(body)) {
            return csrfRefreshed ? new FailAuth() : new RefreshCsrf();
        }
        if (status == 401 || status == 403) {
            return new FailAuth();
        }
        boolean transientFailure = status == 0 || status == 408 || status == 429 || status >= 500;
        if (!transientFailure) {
            return new Fail(false);
        }
        if (attempt >= settings.maxAttempts()) {
            return new Fail(true);
        }
        Duration wait = backoff.next();
        if (status == 429) {
            Optional<Duration> asked = RetryAfter.parse(retryAfter, now);
            if (asked.isPresent()) {
                wait = asked.get();
            }
        }
        return new Retry(min(wait, settings.maxRetryAfter()));
    }

    /** Prefect's CsrfMiddleware answers 403 with one of these details (src/prefect/server/api/middleware.py). */
    static boolean isCsrfRejection(String body) {
        return body != null
                && (body.contains("Missing CSRF token")
                        || body.contains("Invalid CSRF token")
                        || body.contains("Missing client identifier"));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
