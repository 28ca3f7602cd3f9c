package dev.flowpulse.sink.alert;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: after the {@code n}-th failure in a row, wait a random
 * time between half and all of {@code min(max, initial * 2^(n-1))}, so that sinks retrying the same
 * Alertmanager do not do so in lockstep. Immutable; thread safe if {@code random} is.
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(random, "random");
    }

    public static Backoff of(Duration initial, Duration max) {
        return new Backoff(initial, max, Math::random);
    }

    public Duration delay(int failures) {
        long cap = max.toMillis();
        long base = initial.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        long full = Math.min(cap, base < 0 ? cap : base);
        return Duration.ofMillis(full / 2 + Math.round(full / 2.0 * random.getAsDouble()));
    }
}
