package dev.flowpulse.benchmarks;

import dev.flowpulse.contract.HeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Separate JVM, before any measured run: creates the raw topic ({@value #PARTITIONS} partitions,
 * no retention limit) and produces {@code events} records of an {@link EventCorpus} with an
 * idempotent {@code acks=all} producer, as ingest writes them: key = flow-run id, timestamp =
 * {@code occurred}, headers {@code flowpulse.workspace}, {@code flowpulse.source},
 * {@code flowpulse.event-id}. The corpus ends about now, so no retention deletes it. Writes what
 * it did (events, runs, bytes, seconds) as properties to the result file.
 *
 * <p>Usage: {@code CorpusProducer <bootstrap> <topic> <events> <seed> <result-file>}.
 */
public final class CorpusProducer {

    static final int PARTITIONS = 3;
    static final double RUNS_PER_MINUTE = 100;
    private static final byte[] WORKSPACE = "benchmark-workspace".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SOURCE = "benchmark".getBytes(StandardCharsets.UTF_8);

    private CorpusProducer() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long events = Long.parseLong(args[2]);
        long seed = Long.parseLong(args[3]);
        createTopic(bootstrap, topic);
        // Runs average about 4.2 events; assuming 3.7 starts early enough that no event is in the future.
        double spanMinutes = events / 3.7 / RUNS_PER_MINUTE;
        Instant start = Instant.now().minusSeconds((long) (spanMinutes * 60)).truncatedTo(ChronoUnit.MINUTES);
        EventCorpus corpus = new EventCorpus(seed, start, RUNS_PER_MINUTE);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        long begin = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(bootstrap))) {
            for (long i = 0; i < events && failure.get() == null; i++) {
                EventCorpus.Event e = corpus.next();
                producer.send(record(topic, e), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                bytes += e.json().length;
                first = Math.min(first, e.occurredMillis());
                last = Math.max(last, e.occurredMillis());
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        Properties result = new Properties();
        result.put("events", Long.toString(events));
        result.put("runs", Long.toString(corpus.runsStarted()));
        result.put("bytes", Long.toString(bytes));
        result.put("seconds", String.format(java.util.Locale.ROOT, "%.2f", seconds));
        result.put("firstOccurred", Instant.ofEpochMilli(first).toString());
        result.put("lastOccurred", Instant.ofEpochMilli(last).toString());
        result.put("eventTimeSpan", Duration.ofMillis(last - first).toString());
        ResultFile.write(args[4], result);
    }

    /** The raw-topic record of a corpus event, as ingest writes it. */
    static ProducerRecord<String, byte[]> record(String topic, EventCorpus.Event e) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HeaderNames.SOURCE, SOURCE);
        headers.add(HeaderNames.WORKSPACE, WORKSPACE);
        headers.add(HeaderNames.EVENT_ID, e.eventId().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, e.occurredMillis(), e.flowRunId(), e.json(), headers);
    }

    static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin client = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            client.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    static Properties producerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "benchmark-corpus");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
