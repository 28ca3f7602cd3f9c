package dev.flowpulse.simulator.api;

import dev.flowpulse.simulator.http.HttpResponse;
import java.time.Duration;

/**
 * Makes the next N REST calls fail with a chosen status, e.g. Prefect Cloud's 429 with
 * {@code Retry-After} (reference §4) or a 503 from a proxy. Health and readiness probes are not
 * affected, so a test's fault budget is spent only on data calls.
 *
 * <p>Thread safe.
 */
public final class FaultInjector {

    private int remaining;
    private int status;
    private Duration retryAfter;

    public synchronized void failNext(int count, int status, Duration retryAfter) {
        if (count < 0 || status < 400 || status > 599) {
            throw new IllegalArgumentException("count must be >= 0 and status a 4xx/5xx code");
        }
        this.remaining = count;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The injected failure for this call, or null when calls go through. */
    public synchronized HttpResponse next() {
        if (remaining <= 0) {
            return null;
        }
        remaining--;
        String body = status == 429
                ? "{\"exception_message\":\"Rate limit exceeded\"}"
                : "{\"exception_message\":\"Injected failure\"}";
        HttpResponse response = HttpResponse.json(status, body);
        if (retryAfter != null) {
            long seconds = Math.max(0, (retryAfter.toMillis() + 999) / 1000);
            response = response.withHeader("Retry-After", Long.toString(seconds));
        }
        return response;
    }

    public synchronized int remaining() {
        return remaining;
    }
}
