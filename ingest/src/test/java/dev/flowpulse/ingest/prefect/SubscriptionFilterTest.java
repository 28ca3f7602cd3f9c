package dev.flowpulse.ingest.prefect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.testkit.PrefectSamples;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionFilterTest {

    private static final Instant SINCE = Instant.parse("2026-05-04T09:05:05.251337Z");
    private static final Instant NOW = Instant.parse("2026-05-04T09:06:05.251337Z");

    private static JsonNode message(boolean backfill) throws Exception {
        return Json.prefect().readTree(SubscriptionFilter.message(SINCE, NOW, backfill));
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void shouldSendExactlyTheFilterFieldsIngestNeeds() throws Exception {
        JsonNode message = message(true);

        assertThat(keys(message)).containsExactly("type", "filter", "backfill");
        assertThat(message.get("type").asText()).isEqualTo("filter");
        assertThat(message.get("backfill").asBoolean()).isTrue();
        JsonNode filter = message.get("filter");
        assertThat(keys(filter)).containsExactly("occurred", "event", "order");
        assertThat(keys(filter.get("occurred"))).containsExactly("since", "until");
        assertThat(keys(filter.get("event"))).containsExactly("prefix", "exclude_prefix");
        assertThat(filter.at("/event/prefix")).hasSize(1);
        assertThat(filter.at("/event/prefix/0").asText()).isEqualTo("prefect.flow-run.");
        assertThat(filter.at("/event/exclude_prefix").toString())
                .isEqualTo("[\"prefect.flow-run.heartbeat\",\"prefect.flow-run.pull-step\"]");
        assertThat(filter.get("order").asText()).isEqualTo("ASC");
    }

    @Test
    void shouldOnlyUseFieldNamesOfPrefectsFilterSample() throws Exception {
        JsonNode sample = PrefectSamples.json("websocket/03-filter.json");
        JsonNode sent = message(true);

        assertThat(keys(sample)).containsAll(keys(sent));
        assertThat(keys(sample.get("filter"))).containsAll(keys(sent.get("filter")));
        assertThat(keys(sample.at("/filter/occurred"))).containsExactlyElementsOf(keys(sent.at("/filter/occurred")));
        assertThat(keys(sample.at("/filter/event"))).containsAll(keys(sent.at("/filter/event")));
        assertThat(sample.at("/filter/event/prefix")).isEqualTo(sent.at("/filter/event/prefix"));
    }

    @Test
    void shouldSubscribeFromTheCursorUntilAYearAhead() throws Exception {
        JsonNode occurred = message(true).at("/filter/occurred");
        JsonNode sample = PrefectSamples.json("websocket/03-filter.json").at("/filter/occurred");

        // The sample's client sent since = now - 1 min and until = now + 365 d: the same shape.
        assertThat(occurred.get("since").asText()).isEqualTo(sample.get("since").asText());
        assertThat(occurred.get("until").asText()).isEqualTo("2027-05-04T09:06:05.251337Z");
        assertThat(Instant.parse(occurred.get("until").asText()))
                .isEqualTo(Instant.parse(sample.get("until").asText()));
    }

    @Test
    void shouldWriteAtMostMicroseconds() {
        Instant nanos = Instant.parse("2026-05-04T09:05:05.123456789Z");
        assertThat(SubscriptionFilter.timestamp(nanos)).isEqualTo("2026-05-04T09:05:05.123456Z");
        assertThat(SubscriptionFilter.timestamp(Instant.parse("2026-05-04T09:05:00Z")))
                .isEqualTo("2026-05-04T09:05:00Z");
    }

    @Test
    void shouldPassTheBackfillSetting() throws Exception {
        assertThat(message(false).get("backfill").asBoolean()).isFalse();
    }
}
