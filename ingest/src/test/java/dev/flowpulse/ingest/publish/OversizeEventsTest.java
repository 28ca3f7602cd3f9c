package dev.flowpulse.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.testkit.PrefectSamples;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class OversizeEventsTest {

    private static ObjectNode hugeFailedEvent(int messageChars) {
        ObjectNode event = (ObjectNode) PrefectSamples.event("Failed");
        String message = "Traceback line\n".repeat(messageChars / 15 + 1).substring(0, messageChars);
        ((ObjectNode) event.get("resource")).put("prefect.state-message", message);
        ((ObjectNode) event.get("payload").get("validated_state")).put("message", message);
        return event;
    }

    @Test
    void shouldCutOnlyTheStateMessageAndPayloadTexts() throws Exception {
        ObjectNode event = hugeFailedEvent(700_000); // ~1.4 MB: Prefect accepts up to 1.5 MB

        ObjectNode cut = OversizeEvents.truncate(event, 900_000).orElseThrow();

        assertThat(Json.prefect().writeValueAsBytes(cut).length).isLessThanOrEqualTo(900_000);
        assertThat(cut.get("id")).isEqualTo(event.get("id"));
        assertThat(cut.get("occurred")).isEqualTo(event.get("occurred"));
        assertThat(cut.get("related")).isEqualTo(event.get("related"));
        assertThat(cut.get("resource").get("prefect.state-type").asText()).isEqualTo("FAILED");
        assertThat(cut.get("resource").get("prefect.state-message").asText())
                .isNotEmpty()
                .isEqualTo(event.get("resource")
                        .get("prefect.state-message")
                        .asText()
                        .substring(
                                0,
                                cut.get("resource")
                                        .get("prefect.state-message")
                                        .asText()
                                        .length()));
        assertThat(cut.get("payload").get("validated_state").get("type").asText())
                .isEqualTo("FAILED");
    }

    @Test
    void shouldMarkATruncatedRecordAndLeaveOthersAlone() throws Exception {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        RawEventPublisher publisher = new RawEventPublisher(producer, Topics.defaults(), "ws", 20_000);
        RawEvent huge = ((RawEvent.Publishable) RawEvent.inspect(hugeFailedEvent(50_000))).event();
        RawEvent normal =
                ((RawEvent.Publishable) RawEvent.inspect((ObjectNode) PrefectSamples.event("Running"))).event();

        ProducerRecord<String, byte[]> cut = publisher.rawRecord(huge);
        ProducerRecord<String, byte[]> untouched = publisher.rawRecord(normal);

        assertThat(cut.value().length).isLessThanOrEqualTo(20_000);
        assertThat(DeadLetters.get(cut.headers(), RawEventPublisher.TRUNCATED_HEADER))
                .isEqualTo("true");
        assertThat(DeadLetters.get(cut.headers(), HeaderNames.EVENT_ID)).isEqualTo(huge.id());
        assertThat(DeadLetters.get(untouched.headers(), RawEventPublisher.TRUNCATED_HEADER))
                .isNull();
        JsonNode value = Json.prefect().readTree(untouched.value());
        assertThat(value).isEqualTo(normal.event());
    }
}
