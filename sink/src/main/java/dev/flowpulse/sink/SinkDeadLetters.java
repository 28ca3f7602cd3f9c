package dev.flowpulse.sink;

import dev.flowpulse.contract.DeadLetters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets aside the records of the sink's topics that it cannot serve, on the dead-letter topic
 * ({@code flowpulse.dead-letters}) as ingest and streams do: the original key and value bytes
 * untouched, {@code flowpulse.dlq.stage=sink}, a machine-readable {@code flowpulse.dlq.reason},
 * a fixed one-line {@code flowpulse.dlq.detail} (never the payload or an exception message, which
 * may quote it) and the {@code flowpulse.dlq.source-topic/-partition/-offset} the record was read
 * at. A record the Kafka client could not read at all (a corrupt batch) has no bytes: its dead
 * letter carries the position only (null key and value).
 *
 * <p>Every replica reads every record of its topics from the beginning at each start, so each
 * replica writes one dead letter per bad record per start, all identical but for their record
 * timestamps; the source position headers identify the bad record (deduplicate on them). Writes
 * are asynchronous (idempotent producer, {@code acks=all}) and never block or stop a reader: a
 * failed write is counted and its first failure logged.
 *
 * <p>Thread safe (the readers call it from their threads). {@link #close} flushes for up to 5 s.
 */
public final class SinkDeadLetters implements AutoCloseable {

    /** The {@code flowpulse.dlq.stage} header of the sink's dead letters. */
    public static final String STAGE = "sink";

    private static final Logger log = LoggerFactory.getLogger(SinkDeadLetters.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private SinkDeadLetters(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Writes to {@code topic} with a producer of {@code kafka} (the {@code KAFKA_*} properties). */
    public static SinkDeadLetters toKafka(String topic, Properties kafka) {
        return new SinkDeadLetters(new KafkaProducer<>(producerProperties(kafka)), topic);
    }

    /** Writes to {@code topic} with {@code producer} (tests: Kafka's {@code MockProducer}). */
    static SinkDeadLetters to(String topic, Producer<byte[], byte[]> producer) {
        return new SinkDeadLetters(producer, topic);
    }

    /** Writes nothing, only counts (the wiring of unit tests without a broker). */
    public static SinkDeadLetters discarding() {
        return new SinkDeadLetters(null, "");
    }

    /** Sets {@code record} aside; {@code reason} is kebab-case ({@code unreadable-value}, ...). */
    public void send(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        send(
                new TopicPartition(record.topic(), record.partition()),
                record.offset(),
                record.key(),
                record.value(),
                reason,
                detail);
    }

    /** A record the client could not read (corrupt batch): its position only. */
    public void sendCorrupt(TopicPartition source, long offset) {
        send(
                source,
                offset,
                null,
                null,
                RejectReason.CORRUPT_RECORD.dlqReason(),
                RejectReason.CORRUPT_RECORD.description());
    }

    private void send(TopicPartition source, long offset, byte[] key, byte[] value, String reason, String detail) {
        if (producer == null) {
            discarded.incrementAndGet();
            return;
        }
        Headers headers = DeadLetters.withSource(
                DeadLetters.headers(STAGE, reason, detail), source.topic(), source.partition(), offset);
        try {
            producer.send(new ProducerRecord<>(topic, null, null, key, value, headers), (metadata, e) -> {
                if (e == null) {
                    written.incrementAndGet();
                } else {
                    failed(source, offset, e);
                }
            });
        } catch (RuntimeException e) { // e.g. closed, or a record larger than the producer allows
            failed(source, offset, e);
        }
    }

    private void failed(TopicPartition source, long offset, Exception e) {
        failed.incrementAndGet();
        if (failureLogged.compareAndSet(false, true)) {
            log.warn(
                    "Could not write the dead letter of {}@{} to {} ({}); later failures are only counted in"
                            + " flowpulse_sink_dead_letters_total{{outcome=\"failed\"}}",
                    source,
                    offset,
                    topic,
                    e.getClass().getSimpleName());
        }
    }

    /** Dead letters acknowledged by the broker. */
    public long written() {
        return written.get();
    }

    /** Dead letters that could not be written. */
    public long failed() {
        return failed.get();
    }

    /** {@code flowpulse_sink_dead_letters_total} by {@code outcome}; the caller removes them on close. */
    public List<Meter> bind(MeterRegistry registry) {
        String description = "Dead letters of records the sink could not serve, by outcome of the write";
        return List.of(
                FunctionCounter.builder("flowpulse.sink.dead_letters", written, AtomicLong::get)
                        .description(description)
                        .tag("outcome", "written")
                        .register(registry),
                FunctionCounter.builder("flowpulse.sink.dead_letters", failed, AtomicLong::get)
                        .description(description)
                        .tag("outcome", "failed")
                        .register(registry));
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private static Properties producerProperties(Properties kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        for (String consumerOnly : List.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG)) {
            props.remove(consumerOnly);
        }
        props.put(
                ProducerConfig.CLIENT_ID_CONFIG,
                props.getProperty(ProducerConfig.CLIENT_ID_CONFIG, "flowpulse-sink") + "-dead-letters");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // send() waits for metadata on the reader's thread: bounded, so a missing topic cannot stall a reader long
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        return props;
    }
}
