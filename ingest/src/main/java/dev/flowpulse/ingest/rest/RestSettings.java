package dev.flowpulse.ingest.rest;

import dev.flowpulse.contract.EnvReader;
import java.time.Duration;
import java.util.Objects;

/**
 * How ingest calls Prefect's REST API.
 *
 * @param timeout      {@code FLOWPULSE_INGEST_REST_TIMEOUT}, default 30s: per request, connect included
 * @param maxAttempts  {@code FLOWPULSE_INGEST_REST_MAX_ATTEMPTS}, default 5: attempts per call for 429, 5xx, timeouts
 * @param backoffMin   {@code FLOWPULSE_INGEST_REST_BACKOFF_MIN}, default 1s: first backoff ceiling (full jitter)
 * @param backoffMax   {@code FLOWPULSE_INGEST_REST_BACKOFF_MAX}, default 30s: backoff cap
 * @param maxRetryAfter {@code FLOWPULSE_INGEST_REST_MAX_RETRY_AFTER}, default 5m: longest {@code Retry-After} honoured in a call
 * @param authRetry    {@code FLOWPULSE_INGEST_REST_AUTH_RETRY}, default 60s: after a 401/403, calls are refused this long
 */
public record RestSettings(
        Duration timeout,
        int maxAttempts,
        Duration backoffMin,
        Duration backoffMax,
        Duration maxRetryAfter,
        Duration authRetry) {

    public RestSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(authRetry, "authRetry");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    public static RestSettings defaults() {
        return new RestSettings(
                Duration.ofSeconds(30),
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofSeconds(60));
    }

    public static RestSettings fromEnv(EnvReader env) {
        RestSettings d = defaults();
        Duration min = env.positiveDuration("FLOWPULSE_INGEST_REST_BACKOFF_MIN", d.backoffMin());
        Duration max = env.positiveDuration("FLOWPULSE_INGEST_REST_BACKOFF_MAX", d.backoffMax());
        if (max.compareTo(min) < 0) {
            env.problem("FLOWPULSE_INGEST_REST_BACKOFF_MAX (" + max
                    + ") must not be below FLOWPULSE_INGEST_REST_BACKOFF_MIN (" + min + ")");
            max = min;
        }
        return new RestSettings(
                env.positiveDuration("FLOWPULSE_INGEST_REST_TIMEOUT", d.timeout()),
                env.integer("FLOWPULSE_INGEST_REST_MAX_ATTEMPTS", d.maxAttempts(), 1),
                min,
                max,
                env.duration("FLOWPULSE_INGEST_REST_MAX_RETRY_AFTER", d.maxRetryAfter()),
                env.positiveDuration("FLOWPULSE_INGEST_REST_AUTH_RETRY", d.authRetry()));
    }
}
