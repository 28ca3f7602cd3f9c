package dev.flowpulse.ingest.resume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumePointTest {

    @Test
    void shouldWriteTheDocumentedJson() {
        ResumePoint point = new ResumePoint(Instant.parse("2026-05-04T09:07:42.315502Z"), List.of("b", "a", "b"));

        assertThat(new String(point.toJson(), StandardCharsets.UTF_8))
                .isEqualTo("{\"occurred\":\"2026-05-04T09:07:42.315502Z\",\"event_ids_at_occurred\":[\"a\",\"b\"],"
                        + "\"schema_version\":1}");
        assertThat(ResumePoint.fromJson(point.toJson())).contains(point);
    }

    @Test
    void shouldTruncateToPrefectsMicroseconds() {
        assertThat(new ResumePoint(Instant.parse("2026-05-04T09:00:00.123456789Z"), List.of()).occurred())
                .isEqualTo(Instant.parse("2026-05-04T09:00:00.123456Z"));
    }

    @Test
    void shouldNotTrustTombstonesGarbageOrANewerSchema() {
        assertThat(ResumePoint.fromJson(null)).isEmpty();
        assertThat(ResumePoint.fromJson("not json".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(ResumePoint.fromJson("{\"occurred\":\"2026-05-04T09:00:00Z\",\"schema_version\":2}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(ResumePoint.fromJson("{\"schema_version\":1}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }
}
