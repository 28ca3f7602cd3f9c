package dev.flowpulse.sink.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.SchemaVersion;
import dev.flowpulse.sink.SinkDeadLetters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AlertStateStore} on the compacted topic {@code flowpulse.alert-state}
 * ({@code FLOWPULSE_TOPIC_ALERT_STATE}): key = the alert's labels as JSON with sorted keys, value =
 * {@link StoredState} JSON ({@code schema_version} 1), {@link #remove} = a tombstone.
 * {@link #load} reads the topic from the beginning up to the end offsets it sees, then keeps
 * following it on a daemon thread ({@code read_committed}, no consumer group), so that
 * {@link #changes} reports what other sink replicas write. {@link #put} and {@link #remove}
 * return once the broker acknowledged the write (idempotent producer, {@code acks=all}), so the
 * notifier's "state before push" holds across a restart; the offset of each own write is kept, and
 * a followed record of the same alert at or before it is not reported (every replica ends with
 * the topic's last record per alert). A record that cannot be read is logged (without its
 * content), counted ({@link #unreadable}) and skipped.
 *
 * <p>Thread safe. {@link #close} stops the follower and closes the producer.
 */
public final class KafkaAlertStateStore implements AlertStateStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaAlertStateStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Properties kafka;
    private final Function<Properties, Consumer<byte[], byte[]>> consumers;
    private final Producer<byte[], byte[]> producer;
    private final Map<Map<String, String>, Long> ownOffsets = new ConcurrentHashMap<>();
    private final Queue<Followed> followed = new ConcurrentLinkedQueue<>();
    private final AtomicLong unreadable = new AtomicLong();
    private final SinkDeadLetters deadLetters;
    private volatile boolean closing;
    private Thread follower;
    private Consumer<byte[], byte[]> followerConsumer;

    /** A record read while following: its state (null = tombstone) and offset. */
    private record Followed(Map<String, String> labels, AlertState state, long offset) {}

    /** Production wiring: Kafka clients from the operator's {@code KAFKA_*} properties. */
    public KafkaAlertStateStore(String topic, Properties kafka) {
        this(topic, kafka, SinkDeadLetters.discarding());
    }

    /** Production wiring: unreadable alert-state records go to {@code deadLetters}. */
    public KafkaAlertStateStore(String topic, Properties kafka, SinkDeadLetters deadLetters) {
        this(topic, kafka, KafkaConsumer::new, KafkaProducer::new, deadLetters);
    }

    KafkaAlertStateStore(
            String topic,
            Properties kafka,
            Function<Properties, Consumer<byte[], byte[]>> consumers,
            Function<Properties, Producer<byte[], byte[]>> producers) {
        this(topic, kafka, consumers, producers, SinkDeadLetters.discarding());
    }

    KafkaAlertStateStore(
            String topic,
            Properties kafka,
            Function<Properties, Consumer<byte[], byte[]>> consumers,
            Function<Properties, Producer<byte[], byte[]>> producers,
            SinkDeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.topic = topic;
        this.kafka = new Properties();
        this.kafka.putAll(kafka);
        this.consumers = consumers;
        this.producer = producers.apply(producerProperties());
    }

    /**
     * The value written per alert: the {@link AlertState} with its labels. {@code resolved_at} is
     * null while firing.
     */
    public record StoredState(
            Map<String, String> labels,
            Map<String, String> annotations,
            String generatorUrl,
            Instant startsAt,
            Instant resolvedAt) {

        static StoredState of(AlertState s) {
            return new StoredState(
                    s.alert().labels(),
                    s.alert().annotations(),
                    s.alert().generatorUrl(),
                    s.startsAt(),
                    s.resolvedAt());
        }

        AlertState toState() {
            return new AlertState(new Alert(labels, annotations, generatorUrl), startsAt, resolvedAt);
        }

        @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
        public int schemaVersion() {
            return SchemaVersion.CURRENT;
        }
    }

    @Override
    public synchronized Map<Map<String, String>, AlertState> load() {
        if (follower != null) {
            throw new IllegalStateException("load() is called once");
        }
        Map<Map<String, String>, AlertState> states = new HashMap<>();
        Properties props = new Properties();
        props.putAll(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowpulse-sink-alert-state");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        Consumer<byte[], byte[]> consumer = consumers.apply(props);
        boolean following = false;
        try {
            List<PartitionInfo> infos = consumer.listTopics(TIMEOUT).getOrDefault(topic, List.of());
            if (infos.isEmpty()) {
                log.warn(
                        "Alert-state topic {} does not exist: starting without recorded alerts, not following"
                                + " other replicas",
                        topic);
                return states;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            while (!ends.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Followed f = read(r);
                    if (f != null && f.state() == null) {
                        states.remove(f.labels());
                    } else if (f != null) {
                        states.put(f.labels(), f.state());
                    }
                }
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            followerConsumer = consumer;
            follower = new Thread(this::follow, "flowpulse-sink-alert-state");
            follower.setDaemon(true);
            follower.start();
            following = true;
        } finally {
            if (!following) {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        }
        log.info("Loaded {} alert states from {}; following it", states.size(), topic);
        return new LinkedHashMap<>(states);
    }

    /** The follower thread: the only user of {@link #followerConsumer} after {@link #load}. */
    private void follow() {
        Consumer<byte[], byte[]> consumer = followerConsumer;
        try {
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    Followed f = read(r);
                    if (f != null) {
                        followed.add(f);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            if (!closing) {
                log.error(
                        "Stopped following alert-state topic {} ({}): other replicas' changes are no longer seen",
                        topic,
                        e.getClass().getSimpleName());
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    @Override
    public List<Change> changes() {
        List<Change> out = new ArrayList<>();
        for (Followed f; (f = followed.poll()) != null; ) {
            if (f.offset() > ownOffsets.getOrDefault(f.labels(), -1L)) {
                out.add(new Change(f.labels(), f.state()));
            }
        }
        return out;
    }

    /** Alert-state records skipped because they could not be read. */
    public long unreadable() {
        return unreadable.get();
    }

    private Followed read(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.key() == null) {
                throw new IllegalArgumentException("no key");
            }
            Map<String, String> labels = new TreeMap<>(Json.mapper().readValue(r.key(), LABELS));
            if (r.value() == null) {
                return new Followed(labels, null, r.offset());
            }
            AlertState state =
                    Json.mapper().readValue(r.value(), StoredState.class).toState();
            return new Followed(state.labels(), state, r.offset());
        } catch (IOException | RuntimeException e) {
            unreadable.incrementAndGet();
            log.warn(
                    "Skipping an unreadable alert-state record at {}-{}@{} ({})",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getClass().getSimpleName());
            deadLetters.send(r, "unreadable-record", "the key is not alert labels or the value not an alert state");
            return null;
        }
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, String>> LABELS =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    @Override
    public void put(AlertState state) {
        write(state.labels(), json(StoredState.of(state)));
    }

    @Override
    public void remove(Map<String, String> labels) {
        write(labels, null);
    }

    private void write(Map<String, String> labels, byte[] value) {
        try {
            RecordMetadata written = producer.send(new ProducerRecord<>(topic, json(new TreeMap<>(labels)), value))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ownOffsets.merge(new TreeMap<>(labels), written.offset(), Math::max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing alert state", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "could not write alert state to " + topic + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    private static byte[] json(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "flowpulse-sink-alert-state");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closing = true;
            t = follower;
        }
        if (t != null) {
            followerConsumer.wakeup();
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}
