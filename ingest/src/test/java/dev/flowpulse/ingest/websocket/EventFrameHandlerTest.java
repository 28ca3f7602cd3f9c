package dev.flowpulse.ingest.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.testkit.PrefectSamples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EventFrameHandlerTest {

    private static final Instant COMPLETED_OCCURRED = Instant.parse("2026-05-04T09:07:42.315502Z");

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EventCursor cursor = new EventCursor(Instant.parse("2026-05-04T09:00:00Z"));
    private final AtomicInteger resubscribes = new AtomicInteger();
    private final EventFrameHandler handler = new EventFrameHandler(
            new RawEventPublisher(producer, Topics.defaults(), "prod"),
            new RecentEventIds(Duration.ofMinutes(10), 1_000, Clock.systemUTC()),
            cursor,
            new IngestMetrics(registry),
            resubscribes::incrementAndGet);

    private static String envelopeText() {
        return new String(PrefectSamples.bytes("websocket/04-event-envelope.json"), StandardCharsets.UTF_8);
    }

    /** The envelope sample with its event replaced. */
    private static String envelope(JsonNode event) {
        ObjectNode envelope = (ObjectNode) PrefectSamples.json("websocket/04-event-envelope.json");
        envelope.set("event", event);
        return envelope.toString();
    }

    private double counter(String name, String tag, String value) {
        var search = registry.find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        var counter = search.counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldPublishTheEventOfAnEnvelopeAndMoveTheCursorOnAcknowledgement() {
        handler.handle(envelopeText());

        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(Topics.RAW_EVENTS);
            assertThat(record.key()).isEqualTo("019df237-3ef6-7325-90c1-a510f37f3369");
            assertThat(DeadLetters.get(record.headers(), HeaderNames.EVENT_ID))
                    .isEqualTo("019df23e-4c6b-7f09-bbe6-1f252065ca19");
        });
        assertThat(cursor.since()).isEqualTo(Instant.parse("2026-05-04T09:00:00Z"));

        producer.completeNext();

        assertThat(cursor.since()).isEqualTo(COMPLETED_OCCURRED.minus(Duration.ofMinutes(1)));
        assertThat(counter("flowpulse.ingest.events.published", null, null)).isEqualTo(1);
    }

    @Test
    void shouldSkipHeartbeats() {
        handler.handle(envelope(PrefectSamples.event("heartbeat")));

        assertThat(producer.history()).isEmpty();
        assertThat(counter("flowpulse.ingest.events.skipped", "reason", "not_a_state_change"))
                .isEqualTo(1);
    }

    @Test
    void shouldSkipAnEventAlreadyHandedToKafka() {
        handler.handle(envelopeText());
        handler.handle(envelopeText());

        assertThat(producer.history()).hasSize(1);
        assertThat(counter("flowpulse.ingest.events.skipped", "reason", "duplicate"))
                .isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAFrameThatIsNotJson() {
        String frame = "{\"type\":\"event\",\"event\":{\"occurred\":";

        handler.handle(frame);

        assertDeadLetter(frame, FlowRunEventParser.MALFORMED_JSON);
    }

    @Test
    void shouldDeadLetterAMessageWithoutType() {
        String frame = PrefectSamples.event("Running").toString();

        handler.handle(frame);

        assertDeadLetter(frame, FlowRunEventParser.MISSING_FIELD);
    }

    @Test
    void shouldDeadLetterAnEventWithoutFlowRunResource() {
        ObjectNode event = (ObjectNode) PrefectSamples.event("Running");
        event.withObject("/resource").remove("prefect.resource.id");
        String frame = envelope(event);

        handler.handle(frame);

        ProducerRecord<String, byte[]> record = assertDeadLetter(frame, FlowRunEventParser.MISSING_FIELD);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_DETAIL))
                .isEqualTo("event has no flow-run prefect.resource.id");
    }

    @Test
    void shouldDeadLetterAnEventWithoutId() {
        ObjectNode event = (ObjectNode) PrefectSamples.event("Running");
        event.remove("id");
        String frame = envelope(event);

        handler.handle(frame);

        ProducerRecord<String, byte[]> record = assertDeadLetter(frame, FlowRunEventParser.MISSING_FIELD);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_DETAIL)).isEqualTo("event has no 'id'");
    }

    @Test
    void shouldIgnoreUnknownMessageTypes() {
        handler.handle("{\"type\":\"keepalive\"}");

        assertThat(producer.history()).isEmpty();
        assertThat(counter("flowpulse.ingest.events.skipped", "reason", "unknown_message_type"))
                .isEqualTo(1);
    }

    @Test
    void shouldResubscribeFromBeforeAnEventWhoseSendFailed() {
        cursor.acknowledged(COMPLETED_OCCURRED.plus(Duration.ofMinutes(10)));
        handler.handle(envelopeText());

        producer.errorNext(new TimeoutException("broker unavailable"));

        assertThat(resubscribes).hasValue(1);
        assertThat(cursor.since()).isEqualTo(COMPLETED_OCCURRED.minus(Duration.ofMinutes(1)));
        assertThat(counter("flowpulse.ingest.publish.errors", null, null)).isEqualTo(1);
        // The replay must publish it again rather than skip it as a duplicate.
        handler.handle(envelopeText());
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void shouldDeadLetterAnEventKafkaRefusesForGood() {
        handler.handle(envelopeText());

        producer.errorNext(new RecordTooLargeException("too large"));

        assertThat(resubscribes).hasValue(0);
        assertThat(producer.history()).hasSize(2);
        ProducerRecord<String, byte[]> deadLetter = producer.history().get(1);
        assertThat(deadLetter.topic()).isEqualTo(Topics.DEAD_LETTERS);
        assertThat(deadLetter.value()).isEqualTo(envelopeText().getBytes(StandardCharsets.UTF_8));
        assertThat(DeadLetters.get(deadLetter.headers(), HeaderNames.DLQ_REASON))
                .isEqualTo(EventFrameHandler.UNPUBLISHABLE);
        assertThat(counter("flowpulse.ingest.publish.errors", null, null)).isEqualTo(1);
    }

    private ProducerRecord<String, byte[]> assertDeadLetter(String frame, String reason) {
        assertThat(producer.history()).hasSize(1);
        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.DEAD_LETTERS);
        assertThat(record.value()).isEqualTo(frame.getBytes(StandardCharsets.UTF_8));
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_STAGE)).isEqualTo("ingest");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_REASON)).isEqualTo(reason);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_DETAIL)).isNotBlank();
        assertThat(counter("flowpulse.ingest.dead.letters", "reason", reason)).isEqualTo(1);
        return record;
    }
}
