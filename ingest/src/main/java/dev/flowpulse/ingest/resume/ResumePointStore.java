package dev.flowpulse.ingest.resume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ResumePoint} of one workspace in the compacted cursor topic
 * ({@code flowpulse.ingest-cursor}, key = workspace name), so it survives restarts, crashes and
 * a new host: nothing is kept on local disk.
 *
 * <p>{@link #load()} reads the topic from the beginning to its end (read_committed) and keeps the
 * latest value for the workspace. {@link #save} writes through ingest's idempotent
 * {@code acks=all} producer, skipping a point equal to the last one written. Thread safe.
 */
public final class ResumePointStore {

    private static final Logger log = LoggerFactory.getLogger(ResumePointStore.class);
    public static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);

    private final Properties kafka;
    private final String topic;
    private final String workspace;
    private final Producer<String, byte[]> producer;
    private ResumePoint lastSaved;

    public ResumePointStore(Properties kafka, String topic, String workspace, Producer<String, byte[]> producer) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.producer = Objects.requireNonNull(producer, "producer");
    }

    /**
     * The stored point of this workspace; empty when there is none (first start) or the topic is missing.
     *
     * @throws org.apache.kafka.common.KafkaException (e.g. a timeout) when Kafka does not answer within {@code timeout}
     */
    public Optional<ResumePoint> load(Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(kafka))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
            byte[] latest = null;
            boolean found = false;
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic + " did not reach its end within " + LOAD_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (workspace.equals(r.key())) {
                        latest = r.value();
                        found = true;
                    }
                }
            }
            Optional<ResumePoint> point = found ? ResumePoint.fromJson(latest) : Optional.empty();
            synchronized (this) {
                lastSaved = point.orElse(null);
            }
            return point;
        }
    }

    /** Writes {@code point} unless it equals the last one written; waits for Kafka's acknowledgement. */
    public void save(ResumePoint point, Duration timeout) {
        synchronized (this) {
            if (point.equals(lastSaved)) {
                return;
            }
        }
        try {
            producer.send(new ProducerRecord<>(topic, workspace, point.toJson()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (this) {
                lastSaved = point;
            }
            log.debug("Resume point of {} is now {}", workspace, point.occurred());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("Writing the resume point to {} failed ({}); retrying at the next commit", topic, e.toString());
        }
    }

    public synchronized Optional<ResumePoint> lastSaved() {
        return Optional.ofNullable(lastSaved);
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The operator's {@code KAFKA_*} settings (security, bootstrap) for a group-less read_committed reader. */
    public static Properties consumerProperties(Properties kafka) {
        Properties props = new Properties();
        for (String name : kafka.stringPropertyNames()) {
            if (ConsumerConfig.configNames().contains(name)) {
                props.put(name, kafka.getProperty(name));
            }
        }
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowpulse-ingest-resume");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
