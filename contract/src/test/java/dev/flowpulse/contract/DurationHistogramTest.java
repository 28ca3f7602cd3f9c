package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationHistogramTest {

    @Test
    void shouldPutObservationsInTheFirstBucketWhoseBoundIsNotBelowThem() {
        DurationHistogram h =
                DurationHistogram.empty().plus(0.0).plus(1.0).plus(1.5).plus(90_000);

        assertThat(h.count()).isEqualTo(4);
        assertThat(h.sumSeconds()).isEqualTo(90_002.5);
        assertThat(h.counts()[0]).isEqualTo(2); // 0 and 1.0 are <= 1
        assertThat(h.counts()[1]).isEqualTo(1); // 1.5 is <= 5
        assertThat(h.counts()[DurationHistogram.BOUNDS.size()]).isEqualTo(1); // above a day: +Inf
    }

    @Test
    void shouldNotChangeTheOriginalWhenAdding() {
        DurationHistogram empty = DurationHistogram.empty();
        empty.plus(3.0);

        assertThat(empty).isEqualTo(DurationHistogram.empty());
    }

    @Test
    void shouldRoundTripThroughTheSerdeWithBoundsInTheJson() {
        JsonSerde<DurationHistogram> serde = JsonSerde.of(DurationHistogram.class);
        DurationHistogram h = DurationHistogram.empty().plus(12.5);

        byte[] bytes = serde.serialize("t", h);

        assertThat(new String(bytes)).contains("\"bounds_seconds\":[1.0,5.0,").contains("\"sum_seconds\":12.5");
        assertThat(serde.deserialize("t", bytes)).isEqualTo(h);
    }
}
