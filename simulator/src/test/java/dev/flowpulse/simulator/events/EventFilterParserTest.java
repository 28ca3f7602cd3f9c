package dev.flowpulse.simulator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowpulse.simulator.wire.InvalidInput;
import dev.flowpulse.simulator.wire.PythonJson;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFilterParserTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-05-04T10:05:00Z");

    @Test
    void shouldDumpTheSampleRequestFilterExactlyAsThePageTokenCarriesIt() throws Exception {
        JsonNode request = PrefectSamples.json("rest/events-filter-request.json");
        String nextPage = PrefectSamples.json("rest/events-filter-response-page1.json")
                .get("next_page")
                .textValue();
        String token = nextPage.substring(nextPage.indexOf("page-token=") + "page-token=".length());
        String tokenJson =
                new String(Base64.getDecoder().decode(Base64.getDecoder().decode(token)), StandardCharsets.UTF_8);

        EventFilter filter = EventFilterParser.parse(request.get("filter"), NOW);

        assertThat(PythonJson.dumps(MAPPER.readTree(tokenJson).get("filter")))
                .isEqualTo(PythonJson.dumps(filter.toPrefectJson()));
    }

    @Test
    void shouldAcceptTheWebsocketSampleFilterWithItsNulls() throws Exception {
        JsonNode message = PrefectSamples.json("websocket/03-filter.json");

        EventFilter filter = EventFilterParser.parse(message.get("filter"), NOW);

        assertThat(filter.event().prefix()).containsExactly("prefect.flow-run.");
        assertThat(filter.event().name()).isNull();
        assertThat(filter.ids()).isEmpty();
        assertThat(filter.descending()).isTrue();
        assertThat(filter.includesLive(stored(PrefectSamples.event("Completed"))))
                .isTrue();
        assertThat(filter.includesLive(stored(PrefectSamples.event("heartbeat"))))
                .isFalse();
    }

    @Test
    void shouldRejectUnknownKeysAtEveryLevel() {
        for (String json : new String[] {
            "{\"bogus\":1}",
            "{\"event\":{\"prefixes\":[\"x\"]}}",
            "{\"occurred\":{\"since\":\"2026-05-04T00:00:00Z\",\"untill\":\"2026-05-04T00:00:00Z\"}}",
            "{\"related\":[{\"role\":[\"flow\"],\"name\":\"x\"}]}",
            "{\"id\":{\"ids\":[]}}"
        }) {
            assertThatThrownBy(() -> EventFilterParser.parse(MAPPER.readTree(json), NOW))
                    .isInstanceOf(InvalidInput.class)
                    .satisfies(e -> assertThat(((InvalidInput) e).problems())
                            .extracting(InvalidInput.Problem::type)
                            .contains("extra_forbidden"));
        }
    }

    @Test
    void shouldRejectWrongTypesAndReportEveryProblem() throws Exception {
        JsonNode bad =
                MAPPER.readTree("{\"occurred\":{\"since\":\"soon\"},\"order\":\"UP\",\"event\":{\"prefix\":\"x\"},"
                        + "\"id\":{\"id\":[\"not-a-uuid\"]},\"occurred_x\":1}");

        assertThatThrownBy(() -> EventFilterParser.parse(bad, NOW))
                .isInstanceOf(InvalidInput.class)
                .satisfies(e -> assertThat(((InvalidInput) e).problems()).hasSize(5))
                .satisfies(e -> assertThat(((InvalidInput) e).summary("EventFilter"))
                        .startsWith("5 validation errors for EventFilter"));
    }

    @Test
    void shouldMatchLabelsWithGlobsAndNegation() {
        assertThat(LabelSpec.matches("prefect.flow-run.*", "prefect.flow-run.abc"))
                .isTrue();
        assertThat(LabelSpec.matches("prefect.flow-run.a?c", "prefect.flow-run.abc"))
                .isTrue();
        assertThat(LabelSpec.matches("!FAILED", "COMPLETED")).isTrue();
        assertThat(LabelSpec.matches("!FAILED", "FAILED")).isFalse();
        assertThat(LabelSpec.matches("!FAILED", null)).isFalse();
        assertThat(LabelSpec.matches("*.fox", "crimson.fox")).isTrue();
    }

    @Test
    void shouldApplyRelatedOnlyToStoredQueriesNotToLiveEvents() throws Exception {
        EventFilter filter = EventFilterParser.parse(
                MAPPER.readTree(
                        "{\"related\":{\"role\":[\"deployment\"],\"labels\":{\"prefect.resource.name\":\"nightly\"}}}"),
                NOW);
        StoredEvent event = stored(PrefectSamples.event("Completed"));

        assertThat(filter.includesStored(event)).isFalse();
        assertThat(filter.includesLive(event)).isTrue();
    }

    @Test
    void shouldApplyOccurredUntilResourceLabelsAnyResourceIdsAndText() throws Exception {
        StoredEvent completed = stored(PrefectSamples.event("Completed"));
        Map<String, Boolean> cases = Map.of(
                "{\"occurred\":{\"since\":\"2026-05-04T09:00:00Z\",\"until\":\"2026-05-04T09:07:00Z\"}}", false,
                "{\"resource\":{\"labels\":{\"prefect.state-type\":[\"COMPLETED\",\"FAILED\"]}}}", true,
                "{\"resource\":{\"labels\":{\"prefect.state-type\":\"!COMPLETED\"}}}", false,
                "{\"any_resource\":{\"labels\":{\"prefect.resource.name\":\"k8s-*\"}}}", true,
                "{\"any_resource\":[{\"id_prefix\":[\"prefect.tag.\"]},{\"id\":[\"prefect.tag.nope\"]}]}", false,
                "{\"id\":{\"id\":[\"019df23e-4c6b-7f09-bbe6-1f252065ca19\"]}}", true,
                "{\"text\":{\"query\":\"crimson -heron\"}}", true,
                "{\"text\":{\"query\":\"+crimson +heron\"}}", false);
        for (Map.Entry<String, Boolean> c : cases.entrySet()) {
            EventFilter filter = EventFilterParser.parse(MAPPER.readTree(c.getKey()), NOW);
            assertThat(filter.includesLive(completed)).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void shouldDefaultOccurredToTheLast180DaysUntilNow() throws Exception {
        EventFilter filter = EventFilterParser.parse(MAPPER.readTree("{}"), NOW);
        assertThat(filter.until()).isEqualTo(NOW);
        assertThat(filter.since()).isEqualTo(Instant.parse("2025-11-05T00:00:00Z"));
    }

    static StoredEvent stored(JsonNode event) {
        return StoredEvent.from(event, NOW);
    }
}
