package dev.flowpulse.ingest.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.Topics;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Prefect events to the raw topic and malformed frames to the dead-letter topic.
 *
 * <p>Raw records: key = flow-run id (all events of a run in one partition, in arrival order),
 * value = the event object exactly as Prefect sent it (field names untouched), timestamp = the
 * event's {@code occurred}, headers {@code flowpulse.source=websocket}, {@code flowpulse.workspace},
 * {@code flowpulse.event-id}. Dead letters: value = the original frame bytes, reason in headers.
 *
 * <p>The producer is idempotent with {@code acks=all} whatever {@code KAFKA_*} says, so a retried
 * batch never duplicates or reorders a run's events. Sends are asynchronous; every outcome,
 * including a synchronous send failure, reaches the caller's {@link Callback}. Thread safe (the
 * Kafka producer is); closed by its owner.
 */
public final class RawEventPublisher implements AutoCloseable {

    public static final String SOURCE = "websocket";
    /** Header {@code true} on an event whose state message and payload texts were cut to fit a Kafka record. */
    public static final String TRUNCATED_HEADER = "flowpulse.truncated";
    /** Room left in a record for the key, headers and batch overhead. */
    static final int RECORD_OVERHEAD = 64 * 1024;

    static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    /** Source header of events recovered through {@code /api/events/filter}. */
    public static final String SOURCE_EVENTS_FILTER = "events-filter";

    public static final String DEAD_LETTER_STAGE = "ingest";

    private static final Logger log = LoggerFactory.getLogger(RawEventPublisher.class);
    private static final int MAX_IDEMPOTENT_IN_FLIGHT = 5;

    private final Producer<String, byte[]> producer;
    private final Topics topics;
    private final String workspace;
    private final int maxValueBytes;
    private volatile PublishObserver observer = PublishObserver.NONE;

    public RawEventPublisher(Producer<String, byte[]> producer, Topics topics, String workspace) {
        this(producer, topics, workspace, DEFAULT_MAX_REQUEST_SIZE - RECORD_OVERHEAD);
    }

    /** @param maxValueBytes larger event values are truncated ({@link OversizeEvents}) and marked {@value #TRUNCATED_HEADER} */
    public RawEventPublisher(Producer<String, byte[]> producer, Topics topics, String workspace, int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
    }

    /** A publisher over a new {@link KafkaProducer} built from the operator's {@code KAFKA_*} properties. */
    public static RawEventPublisher create(Properties operatorProperties, Topics topics, String workspace) {
        warnAboutOverrides(operatorProperties);
        Properties props = producerProperties(operatorProperties);
        int maxRequest = parseOr(props.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), DEFAULT_MAX_REQUEST_SIZE);
        return new RawEventPublisher(
                new KafkaProducer<>(props), topics, workspace, Math.max(RECORD_OVERHEAD, maxRequest - RECORD_OVERHEAD));
    }

    /**
     * The operator's settings (batching, compression, security, ...) plus what ingest owns:
     * serializers, idempotence and {@code acks=all}. {@code max.block.ms} defaults to 10 s so a
     * missing broker cannot stall the websocket reader for a minute.
     */
    public static Properties producerProperties(Properties operatorProperties) {
        Properties props = new Properties();
        props.putAll(operatorProperties);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "flowpulse-ingest");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Object inFlight = props.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight != null && parsesAbove(inFlight.toString(), MAX_IDEMPOTENT_IN_FLIGHT)) {
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.toString(MAX_IDEMPOTENT_IN_FLIGHT));
        }
        return props;
    }

    /**
     * A publisher of another workspace on the same producer (one idempotent producer serves every
     * source of the process); its observer is its own. Close only the original.
     */
    public RawEventPublisher forWorkspace(String otherWorkspace) {
        return new RawEventPublisher(producer, topics, otherWorkspace, maxValueBytes);
    }

    /** Every raw event's outcome goes to {@code observer} from now on (the resume tracker). */
    public void observe(PublishObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Sends one event to the raw topic with {@code flowpulse.source=websocket}; {@code callback} sees the outcome. */
    public void publish(RawEvent event, Callback callback) {
        publish(event, SOURCE, callback);
    }

    /** Sends one event to the raw topic with the given {@code flowpulse.source}; {@code callback} sees the outcome. */
    public void publish(RawEvent event, String source, Callback callback) {
        PublishObserver watching = observer;
        watching.sent(event);
        Callback observed = (metadata, error) -> {
            if (error == null) {
                watching.acknowledged(event);
            } else {
                watching.failed(event, SendErrors.isPermanent(error));
            }
            callback.onCompletion(metadata, error);
        };
        ProducerRecord<String, byte[]> record;
        try {
            record = rawRecord(event, source);
        } catch (JsonProcessingException e) {
            observed.onCompletion(null, e);
            return;
        }
        send(record, observed);
    }

    /** Sends the original frame to the dead-letter topic with {@code reason} and {@code detail} in headers. */
    public void deadLetter(byte[] frame, String reason, String detail, Callback callback) {
        var headers = DeadLetters.headers(DEAD_LETTER_STAGE, reason, detail);
        send(new ProducerRecord<>(topics.deadLetters(), null, null, null, frame, headers), callback);
    }

    ProducerRecord<String, byte[]> rawRecord(RawEvent event) throws JsonProcessingException {
        return rawRecord(event, SOURCE);
    }

    ProducerRecord<String, byte[]> rawRecord(RawEvent event, String source) throws JsonProcessingException {
        RecordHeaders headers = new RecordHeaders();
        DeadLetters.put(headers, HeaderNames.SOURCE, source);
        DeadLetters.put(headers, HeaderNames.WORKSPACE, workspace);
        DeadLetters.put(headers, HeaderNames.EVENT_ID, event.id());
        byte[] value = Json.prefect().writeValueAsBytes(event.event());
        if (value.length > maxValueBytes) {
            var truncated = OversizeEvents.truncate(event.event(), maxValueBytes);
            if (truncated.isPresent()) {
                log.warn(
                        "Event {} of flow run {} is {} bytes, above the {} a record allows: state message and"
                                + " payload texts truncated ({}=true)",
                        event.id(),
                        event.flowRunId(),
                        value.length,
                        maxValueBytes,
                        TRUNCATED_HEADER);
                value = Json.prefect().writeValueAsBytes(truncated.get());
                DeadLetters.put(headers, TRUNCATED_HEADER, "true");
            }
        }
        return new ProducerRecord<>(
                topics.rawEvents(), null, event.occurred().toEpochMilli(), event.flowRunId(), value, headers);
    }

    private void send(ProducerRecord<String, byte[]> record, Callback callback) {
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            // Metadata timeouts, a closed producer, an oversized record: same path as an async failure.
            callback.onCompletion(null, e);
        }
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    /** Flushes what is in flight (bounded by {@code timeout}) and closes the producer. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private static void warnAboutOverrides(Properties operator) {
        Object idempotence = operator.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence != null
                && !"true".equalsIgnoreCase(idempotence.toString().trim())) {
            log.warn("Ignoring KAFKA_ENABLE_IDEMPOTENCE={}: ingest always produces idempotently", idempotence);
        }
        Object acks = operator.get(ProducerConfig.ACKS_CONFIG);
        if (acks != null
                && !"all".equalsIgnoreCase(acks.toString().trim())
                && !"-1".equals(acks.toString().trim())) {
            log.warn("Ignoring KAFKA_ACKS={}: ingest always produces with acks=all", acks);
        }
    }

    private static int parseOr(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean parsesAbove(String value, int limit) {
        try {
            return Integer.parseInt(value.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
