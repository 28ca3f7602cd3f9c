package dev.flowpulse.simulator;

import static dev.flowpulse.simulator.ProbeSupport.next;
import static dev.flowpulse.simulator.ProbeSupport.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveTrafficTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Seen(Instant occurred, Instant at) {}

    @Test
    void shouldPublishRecentHistoryAtOnceThenLiveEventsWhenTheyOccur() throws Exception {
        try (PrefectSimulator sim = PrefectSimulator.builder().build().start()) {
            Instant started = Instant.now();
            LiveTraffic live = sim.startLiveTraffic(3, 10);
            waiting().until(() -> live.eventsPublished() > 100);

            List<Seen> seen = new ArrayList<>();
            try (WebSocketProbe ws = WebSocketProbe.connect(sim.apiUrl(), "prefect")) {
                ws.send("{\"type\":\"auth\",\"token\":null}");
                assertThat(next(ws)).isEqualTo("{\"type\":\"auth_success\"}");
                ws.send("{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2020-01-01T00:00:00Z\","
                        + "\"until\":\"2099-01-01T00:00:00Z\"},\"event\":{\"prefix\":[\"prefect.flow-run.\"]}}}");
                waiting().until(() -> {
                    for (String message = ws.messages.poll(); message != null; message = ws.messages.poll()) {
                        JsonNode event = MAPPER.readTree(message).get("event");
                        seen.add(
                                new Seen(PrefectTime.parse(event.get("occurred").textValue()), Instant.now()));
                    }
                    return seen.stream().anyMatch(s -> s.occurred().isBefore(started))
                            && seen.stream().anyMatch(s -> !s.occurred().isBefore(started));
                });
            }
            for (Seen s : seen) {
                assertThat(s.occurred()).as("never published before it occurs").isBefore(s.at().plusMillis(50));
                assertThat(s.occurred())
                        .isAfter(started.minus(LiveTraffic.HISTORY).minusSeconds(1));
            }
            live.close();
            long afterClose = live.eventsPublished();
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> live.eventsPublished() == afterClose);
        }
    }
}
