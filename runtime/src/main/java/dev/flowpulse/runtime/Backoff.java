package dev.flowpulse.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The one retry backoff of every service: capped exponential with full jitter. After {@code n}
 * consecutive failures the wait is uniform in {@code [0, min(max, min × 2ⁿ⁻¹)]}, so many clients
 * retrying after one outage spread out, and the first retry after a healthy period is quick.
 *
 * <p>Two ways to use it: {@link #delay(int)} for a caller that counts failures itself (stateless,
 * thread safe when {@code random} is, as {@link #of}'s is); or {@link #next()} / {@link #reset()}
 * for a retry loop that lets this count (that counter is not thread safe: one loop owns it).
 * Used by ingest's websocket reconnects and REST retries, and by the sink's Alertmanager pushes.
 */
public final class Backoff {

    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;
    private volatile int attempt;

    /**
     * @param min    the first wait's ceiling; {@code 0 < min <= max}
     * @param max    the cap of every wait
     * @param random the jitter source ({@code nextLong(bound)} is called with {@code ceiling + 1})
     */
    public Backoff(Duration min, Duration max, RandomGenerator random) {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 < min <= max, got min=" + min + ", max=" + max);
        }
        this.min = min;
        this.max = max;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A backoff whose jitter comes from {@link ThreadLocalRandom}: {@link #delay} is thread safe. */
    public static Backoff of(Duration min, Duration max) {
        return new Backoff(min, max, new RandomGenerator() {
            @Override
            public long nextLong() {
                return ThreadLocalRandom.current().nextLong();
            }

            @Override
            public long nextLong(long bound) {
                return ThreadLocalRandom.current().nextLong(bound);
            }
        });
    }

    /** The wait after {@code failures} consecutive failures (1 for the first); {@code failures <= 0} counts as 1. */
    public Duration delay(int failures) {
        return Duration.ofMillis(
                random.nextLong(ceiling(Math.max(failures, 1) - 1).toMillis() + 1));
    }

    /** The next wait of a retry loop; each call raises the ceiling until it reaches {@code max}. */
    public Duration next() {
        Duration wait = delay(attempt + 1);
        if (attempt < 62) {
            attempt++;
        }
        return wait;
    }

    /** How many {@link #next()} calls since the last {@link #reset()} (capped at 62). */
    public int failures() {
        return attempt;
    }

    /** Starts {@link #next()} over from {@code min}: call it once the retried thing is known to work. */
    public void reset() {
        attempt = 0;
    }

    /** The upper bound of the wait after {@code attempt} earlier consecutive failures: {@code min(max, min × 2^attempt)}. */
    public Duration ceiling(int attempt) {
        long minMillis = min.toMillis();
        long maxMillis = max.toMillis();
        if (attempt >= 62 || minMillis > (maxMillis >> Math.min(attempt, 62))) {
            return max;
        }
        return Duration.ofMillis(Math.min(maxMillis, minMillis << attempt));
    }

    @Override
    public String toString() {
        return "Backoff[min=" + min + ", max=" + max + "]";
    }
}
