package dev.flowpulse.ingest.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentEventIdsTest {

    private Instant now = Instant.parse("2026-05-04T09:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void shouldReportASecondAddAsDuplicate() {
        RecentEventIds ids = new RecentEventIds(Duration.ofMinutes(10), 100, clock);

        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("a")).isFalse();
        assertThat(ids.add("b")).isTrue();
    }

    @Test
    void shouldForgetIdsAfterTheTtl() {
        RecentEventIds ids = new RecentEventIds(Duration.ofMinutes(10), 100, clock);
        ids.add("a");
        now = now.plus(Duration.ofMinutes(9));
        ids.add("b");
        now = now.plus(Duration.ofMinutes(1));

        assertThat(ids.size()).isEqualTo(1);
        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("b")).isFalse();
    }

    @Test
    void shouldEvictTheOldestBeyondTheMaximumSize() {
        RecentEventIds ids = new RecentEventIds(Duration.ofMinutes(10), 3, clock);
        for (String id : new String[] {"a", "b", "c", "d"}) {
            ids.add(id);
        }

        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("d")).isFalse();
    }

    @Test
    void shouldForgetARemovedId() {
        RecentEventIds ids = new RecentEventIds(Duration.ofMinutes(10), 100, clock);
        ids.add("a");
        ids.remove("a");

        assertThat(ids.add("a")).isTrue();
    }
}
