package dev.flowpulse.simulator;

import static dev.flowpulse.simulator.EventsOutWebSocketTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LiveTrafficTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldPublishRecentHistoryAtOnceThenLiveEventsWhenTheyOccur() throws Exception {
        try (PrefectSimulator sim = PrefectSimulator.builder().build().start()) {
            Instant started = Instant.now();
            LiveTraffic live = sim.startLiveTraffic(3, 10);
            awaitTrue(() -> live.eventsPublished() > 100);

            try (TestSocket ws = TestSocket.connect(sim.apiUrl(), "prefect")) {
                ws.send("{\"type\":\"auth\",\"token\":null}");
                ws.next(Duration.ofSeconds(5));
                ws.send("{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2020-01-01T00:00:00Z\","
                        + "\"until\":\"2099-01-01T00:00:00Z\"},\"event\":{\"prefix\":[\"prefect.flow-run.\"]}}}");
                int history = 0;
                int liveEvents = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < deadline) {
                    String message = ws.next(Duration.ofMillis(500));
                    if (message == null) {
                        continue;
                    }
                    Instant seen = Instant.now();
                    JsonNode event = MAPPER.readTree(message).get("event");
                    Instant occurred = PrefectTime.parse(event.get("occurred").textValue());
                    assertThat(occurred).as("never published before it occurs").isBefore(seen.plusMillis(50));
                    assertThat(occurred)
                            .isAfter(started.minus(LiveTraffic.HISTORY).minusSeconds(1));
                    if (occurred.isBefore(started)) {
                        history++;
                    } else {
                        liveEvents++;
                    }
                }
                assertThat(history).isPositive();
                assertThat(liveEvents).isPositive();
            }
            live.close();
            long afterClose = live.eventsPublished();
            Thread.sleep(300);
            assertThat(live.eventsPublished()).isEqualTo(afterClose);
        }
    }
}
