package dev.flowpulse.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
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

    /** Jitter at its top: every wait is its ceiling. */
    private static final RandomGenerator TOP = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void shouldWaitUpToTheCappedDoublingForACountOfFailures() {
        Backoff top = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), TOP);

        assertThat(top.delay(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(top.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(top.delay(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(top.delay(10)).isEqualTo(Duration.ofSeconds(30));
        assertThat(top.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
        assertThat(top.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(top.next()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldJitterTheStatelessDelayOverTheWholeRangeFromAnyThread() throws Exception {
        Backoff shared = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(1));
        long[] below = new long[2];
        Thread other = new Thread(() -> below[1] = countBelowHalf(shared));
        other.start();
        below[0] = countBelowHalf(shared);
        other.join();
        assertThat(below[0]).isBetween(400L, 600L);
        assertThat(below[1]).isBetween(400L, 600L);
    }

    private static long countBelowHalf(Backoff backoff) {
        long below = 0;
        for (int i = 0; i < 1_000; i++) {
            Duration d = backoff.delay(3);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(1));
            if (d.toMillis() < 500) {
                below++;
            }
        }
        return below;
    }

    @Test
    void shouldRejectAMaximumBelowTheMinimum() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
