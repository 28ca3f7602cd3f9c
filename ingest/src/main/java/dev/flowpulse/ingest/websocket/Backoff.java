package dev.flowpulse.ingest.websocket;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the n-th consecutive wait is uniform in
 * {@code [0, min(max, min × 2ⁿ)]}, so many clients reconnecting after one outage spread out, and
 * the first retry after a healthy connection drops is quick. {@link #reset()} after a successful
 * subscription starts over.
 *
 * <p>Not thread safe: owned by the subscriber's reconnect loop.
 */
public final class Backoff {

    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;
    private int attempt;

    public Backoff(Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 < min <= max, got min=" + min + ", max=" + max);
        }
        this.min = min;
        this.max = max;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The next wait; each call raises the ceiling until it reaches {@code max}. */
    public Duration next() {
        long ceiling = ceiling(attempt).toMillis();
        if (attempt < 62) {
            attempt++;
        }
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    /** The upper bound of the wait after {@code attempt} earlier consecutive failures. */
    public Duration ceiling(int attempt) {
        long minMillis = min.toMillis();
        long maxMillis = max.toMillis();
        if (attempt >= 62 || minMillis > (maxMillis >> Math.min(attempt, 62))) {
            return max;
        }
        return Duration.ofMillis(Math.min(maxMillis, minMillis << attempt));
    }

    public void reset() {
        attempt = 0;
    }
}
