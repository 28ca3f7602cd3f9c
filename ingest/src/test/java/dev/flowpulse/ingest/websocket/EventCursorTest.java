package dev.flowpulse.ingest.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCursorTest {

    private static final Instant START = Instant.parse("2026-05-04T09:00:00Z");
    private final EventCursor cursor = new EventCursor(START);

    @Test
    void shouldStartAtTheLookbackPoint() {
        assertThat(cursor.since()).isEqualTo(START);
    }

    @Test
    void shouldTrailTheNewestAcknowledgedEventByOneMinute() {
        cursor.acknowledged(Instant.parse("2026-05-04T09:10:00Z"));
        cursor.acknowledged(Instant.parse("2026-05-04T09:05:00Z")); // out of order: never moves back

        assertThat(cursor.since()).isEqualTo(Instant.parse("2026-05-04T09:09:00Z"));
    }

    @Test
    void shouldNotMoveBeforeTheStartForOldEvents() {
        cursor.acknowledged(Instant.parse("2026-05-04T08:00:00Z"));

        assertThat(cursor.since()).isEqualTo(START);
    }

    @Test
    void shouldResumeBeforeAFailedEventUntilASubscriptionCoversIt() {
        cursor.acknowledged(Instant.parse("2026-05-04T09:10:00Z"));
        cursor.failed(Instant.parse("2026-05-04T09:04:00Z"));
        cursor.failed(Instant.parse("2026-05-04T09:06:00Z"));

        assertThat(cursor.since()).isEqualTo(Instant.parse("2026-05-04T09:03:00Z"));
        cursor.subscribed(Instant.parse("2026-05-04T09:03:30Z")); // started above the floor: not covered
        assertThat(cursor.since()).isEqualTo(Instant.parse("2026-05-04T09:03:00Z"));
        cursor.subscribed(Instant.parse("2026-05-04T09:03:00Z"));
        assertThat(cursor.since()).isEqualTo(Instant.parse("2026-05-04T09:09:00Z"));
    }
}
