package dev.flowpulse.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.testkit.PrefectSamples;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class RawEventPublisherTest {

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final RawEventPublisher publisher = new RawEventPublisher(producer, Topics.defaults(), "prod");

    @Test
    void shouldKeyByFlowRunAndStampWithOccurred() throws Exception {
        ObjectNode completed = (ObjectNode) PrefectSamples.event("Completed");
        RawEvent event = ((RawEvent.Publishable) RawEvent.inspect(completed)).event();

        publisher.publish(event, (m, e) -> {});

        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.RAW_EVENTS);
        assertThat(record.key()).isEqualTo("019df237-3ef6-7325-90c1-a510f37f3369");
        assertThat(record.timestamp())
                .isEqualTo(Instant.parse("2026-05-04T09:07:42.315502Z").toEpochMilli());
        assertThat(DeadLetters.get(record.headers(), HeaderNames.SOURCE)).isEqualTo("websocket");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.WORKSPACE)).isEqualTo("prod");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.EVENT_ID))
                .isEqualTo("019df23e-4c6b-7f09-bbe6-1f252065ca19");
        assertThat(PrefectSamples.json("events/flow-run-Completed.json"))
                .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.value()));
        // Field names and order exactly as Prefect wrote them.
        assertThat(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"occurred\":\"2026-05-04T09:07:42.315502Z\",\"event\":\"prefect.flow-run.Completed\",");
    }

    @Test
    void shouldDeadLetterTheOriginalBytesWithTheReasonInHeaders() {
        byte[] frame = "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        publisher.deadLetter(frame, "malformed-json", "frame is not JSON", (m, e) -> {});

        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.DEAD_LETTERS);
        assertThat(record.value()).isEqualTo(frame);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_STAGE)).isEqualTo("ingest");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_REASON)).isEqualTo("malformed-json");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_DETAIL)).isEqualTo("frame is not JSON");
    }

    @Test
    void shouldReportASynchronousSendFailureThroughTheCallback() {
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("no metadata");
        RawEvent event =
                ((RawEvent.Publishable) RawEvent.inspect((ObjectNode) PrefectSamples.event("Running"))).event();
        AtomicReference<Exception> seen = new AtomicReference<>();

        publisher.publish(event, (m, e) -> seen.set(e));

        assertThat(seen.get()).isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }

    @Test
    void shouldAlwaysProduceIdempotentlyWithAcksAll() {
        Properties operator = new Properties();
        operator.put("bootstrap.servers", "broker:9092");
        operator.put("enable.idempotence", "false");
        operator.put("acks", "1");
        operator.put("linger.ms", "50");
        operator.put("max.in.flight.requests.per.connection", "10");

        Properties props = RawEventPublisher.producerProperties(operator);

        assertThat(props)
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("linger.ms", "50")
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("max.in.flight.requests.per.connection", "5")
                .containsEntry("key.serializer", StringSerializer.class.getName())
                .containsEntry("value.serializer", ByteArraySerializer.class.getName())
                .containsEntry("client.id", "flowpulse-ingest");
    }
}
