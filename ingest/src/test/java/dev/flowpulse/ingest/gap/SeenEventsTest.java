package dev.flowpulse.ingest.gap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SeenEventsTest {

    private static final Instant T = Instant.parse("2026-05-04T09:05:00Z");

    @Test
    void shouldCountTheEventsOfASpanBoundsIncludedAsPrefectsFilter() {
        SeenEvents seen = new SeenEvents(100);
        assertThat(seen.completeFrom()).isEqualTo(Instant.MIN);
        seen.seen("a", T);
        seen.seen("b", T.plusSeconds(10));
        seen.seen("c", T.plusSeconds(10));
        seen.seen("d", T.plusSeconds(20));

        assertThat(seen.count(T, T.plusSeconds(10))).isEqualTo(3);
        assertThat(seen.count(T.plusNanos(1000), T.plusSeconds(20))).isEqualTo(3);
        assertThat(seen.count(T.plusSeconds(21), T.plusSeconds(30))).isZero();
        assertThat(seen.count(T.plusSeconds(20), T)).isZero();
    }

    @Test
    void shouldCountAnEventSeenTwiceOnceAtItsLatestOccurred() {
        SeenEvents seen = new SeenEvents(100);
        seen.seen("a", T);
        seen.seen("a", T);
        seen.seen("a", T.plusSeconds(30)); // the store's copy of the id wins

        assertThat(seen.size()).isEqualTo(1);
        assertThat(seen.count(T, T.plusSeconds(1))).isZero();
        assertThat(seen.count(T, T.plusSeconds(30))).isEqualTo(1);
    }

    @Test
    void shouldForgetByOccurredAndKeepAtMostItsCapacityOldestFirst() {
        SeenEvents seen = new SeenEvents(3);
        seen.seen("d", T.plusSeconds(3));
        seen.seen("a", T);
        seen.seen("b", T.plusSeconds(1));
        seen.seen("c", T.plusSeconds(2)); // over capacity: "a" (oldest occurred) goes

        assertThat(seen.count(T, T.plusSeconds(3))).isEqualTo(3);
        assertThat(seen.count(T, T)).isZero();
        assertThat(seen.completeFrom()).isEqualTo(T.plusNanos(1000)); // counts before it would miss "a"

        seen.forgetBefore(T.plusSeconds(2));

        assertThat(seen.size()).isEqualTo(2);
        assertThat(seen.count(T, T.plusSeconds(3))).isEqualTo(2);
    }
}
