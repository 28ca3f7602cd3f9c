package dev.flowpulse.ingest.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff =
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new SplittableRandom(7));

    @Test
    void shouldDoubleTheCeilingUpToTheMaximum() {
        assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.ceiling(61)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldJitterEachWaitBetweenZeroAndItsCeiling() {
        for (int attempt = 0; attempt < 200; attempt++) {
            Duration ceiling = backoff.ceiling(attempt);
            assertThat(backoff.next()).isBetween(Duration.ZERO, ceiling);
        }
    }

    @Test
    void shouldSpreadWaitsOverTheWholeRange() {
        Backoff capped = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), new SplittableRandom(1));
        long below = 0;
        for (int i = 0; i < 1_000; i++) {
            if (capped.next().toMillis() < 500) {
                below++;
            }
        }
        assertThat(below).isBetween(400L, 600L);
    }

    @Test
    void shouldStartOverAfterReset() {
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();
        for (int i = 0; i < 50; i++) {
            backoff.reset();
            assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void shouldRejectAMaximumBelowTheMinimum() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
