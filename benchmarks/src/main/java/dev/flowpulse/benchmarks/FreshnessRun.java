package dev.flowpulse.benchmarks;

import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.ParsedEvent;
import dev.flowpulse.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The freshness measurement (issue 7 point 7), in one fresh JVM: flowpulse's whole topology
 * (started as in {@link MeasuredRun}) on a live raw topic of its own, fed by a producer sending
 * corpus events at a sustained rate, while a {@code read_committed} consumer reads
 * {@code flowpulse.flow-runs-finished}. For every terminal event: the time from its send to the
 * first finished-run record of its run the consumer sees, that is, the committed output of that
 * terminal state visible downstream (exactly-once: nothing is visible before its transaction
 * commits). Producer, consumer and app share one clock (this JVM's {@code System.nanoTime}).
 * Measured only after a warm-up, so JIT compilation and start-up are not in the figures; the log
 * breaks the figures down by 10 s of send time.
 *
 * <p>Usage: {@code FreshnessRun <bootstrap> <label> <work-dir> <result-file> <events/s> <seconds> <seed>}.
 */
public final class FreshnessRun {

    static final String LIVE_TOPIC = "flowpulse.prefect-events.live";
    /**
     * A fresh JVM's first minute is JIT compilation: at 15 s of warm-up the first 30 s measured were
     * the backlog it left (p99 4.8 to 11.8 s), the rest 0.25 to 0.77 s (benchmarks/README.md).
     */
    static final Duration WARM_UP = Duration.ofSeconds(60);
    /** After the last send, how long to wait for the outputs of the last terminal events. */
    static final Duration DRAIN = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(FreshnessRun.class);

    private FreshnessRun() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            log.error("Freshness run failed", e);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        String bootstrap = args[0];
        String label = args[1];
        Path workDir = Path.of(args[2]).toAbsolutePath();
        double rate = Double.parseDouble(args[4]);
        Duration measured = Duration.ofSeconds(Long.parseLong(args[5]));
        long seed = Long.parseLong(args[6]);
        String applicationId = "bench-" + label + "-" + System.currentTimeMillis();
        CorpusProducer.createTopic(bootstrap, LIVE_TOPIC);
        Map<String, Long> sentNanos = new ConcurrentHashMap<>();
        List<Long> latenciesNanos = new ArrayList<>();
        // The send time of each latency, same index: the log breaks the figures down by when they were sent.
        List<Long> sentAtNanos = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        long terminals = 0;
        long seen;
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(
                () -> readFinishes(bootstrap, stop, sentNanos, latenciesNanos, sentAtNanos, failure),
                "freshness-consumer");
        try (MeasuredRun.RunningApp app = MeasuredRun.startFlowpulse(
                        bootstrap, LIVE_TOPIC, applicationId, workDir.resolve("state-" + label));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(liveProducerProperties(bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!app.running()) {
                if (app.failed() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("flowpulse did not reach RUNNING; see its log");
                }
                Thread.sleep(50);
            }
            reader.start();
            // Event time: the corpus's usual rate of runs, ending about now (no event in the future).
            long total = (long) (rate * (WARM_UP.toSeconds() + measured.toSeconds()));
            double spanMinutes = total / 3.7 / CorpusProducer.RUNS_PER_MINUTE;
            EventCorpus corpus = new EventCorpus(
                    seed,
                    Instant.now().minusSeconds((long) (spanMinutes * 60)).truncatedTo(ChronoUnit.MINUTES),
                    CorpusProducer.RUNS_PER_MINUTE);
            long start = System.nanoTime();
            long warmUpEnd = start + WARM_UP.toNanos();
            long intervalNanos = (long) (1e9 / rate);
            for (long i = 0; i < total && failure.get() == null && !app.failed(); i++) {
                long due = start + i * intervalNanos;
                while (System.nanoTime() < due) {
                    Thread.sleep(0, 200_000);
                }
                EventCorpus.Event e = corpus.next();
                boolean terminal = FlowRunEventParser.parse(e.json(), "") instanceof ParsedEvent.StateChange change
                        && change.event().isTerminal();
                long now = System.nanoTime();
                if (terminal && now >= warmUpEnd) {
                    sentNanos.put(e.flowRunId(), now);
                    terminals++;
                }
                producer.send(CorpusProducer.record(LIVE_TOPIC, e), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                sent++;
            }
            double achieved = sent / ((System.nanoTime() - start) / 1e9);
            producer.flush();
            long drainEnd = System.nanoTime() + DRAIN.toNanos();
            while (!sentNanos.isEmpty() && System.nanoTime() < drainEnd) {
                Thread.sleep(50);
            }
            stop.set(true);
            reader.join(10_000);
            if (failure.get() != null) {
                throw failure.get();
            }
            synchronized (latenciesNanos) {
                seen = latenciesNanos.size();
                write(args[3], rate, achieved, measured, terminals, seen, sentNanos.size(), latenciesNanos);
                logBySendTime(start + WARM_UP.toNanos(), latenciesNanos, sentAtNanos);
            }
        }
        log.info("{}: {} terminal events measured, {} seen", label, terminals, seen);
        TopicCleanup.deleteAllBut(bootstrap, BenchmarkRunner.RAW_TOPIC);
    }

    /** The consumer's own thread: creates, polls and closes it (a consumer is single-threaded). */
    private static void readFinishes(
            String bootstrap,
            AtomicBoolean stop,
            Map<String, Long> sentNanos,
            List<Long> latenciesNanos,
            List<Long> sentAtNanos,
            AtomicReference<Exception> failure) {
        try (KafkaConsumer<String, byte[]> consumer = finishedRunsConsumer(bootstrap)) {
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    Long sentAt = r.key() == null ? null : sentNanos.remove(r.key());
                    if (sentAt != null) {
                        synchronized (latenciesNanos) {
                            latenciesNanos.add(now - sentAt);
                            sentAtNanos.add(sentAt);
                        }
                    }
                }
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private static KafkaConsumer<String, byte[]> finishedRunsConsumer(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        String topic = Topics.defaults().finishedRuns();
        // The app has provisioned its topics by now (StreamsService is started after the provisioner).
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static Properties liveProducerProperties(String bootstrap) {
        Properties p = CorpusProducer.producerProperties(bootstrap);
        // Ingest sends each event as it arrives; no batching delay on top of the rate.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "benchmark-live");
        return p;
    }

    private static void write(
            String file,
            double rate,
            double achieved,
            Duration measured,
            long terminals,
            long seen,
            long unseen,
            List<Long> latenciesNanos)
            throws Exception {
        long[] sorted = latenciesNanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        Properties result = new Properties();
        result.put("kind", "freshness");
        result.put("rate", String.format(Locale.ROOT, "%.0f", rate));
        result.put("achievedRate", String.format(Locale.ROOT, "%.0f", achieved));
        result.put("measuredSeconds", Long.toString(measured.toSeconds()));
        result.put("terminalEvents", Long.toString(terminals));
        result.put("seen", Long.toString(seen));
        result.put("unseen", Long.toString(unseen));
        result.put("p50Ms", millis(percentile(sorted, 0.50)));
        result.put("p99Ms", millis(percentile(sorted, 0.99)));
        result.put("maxMs", millis(sorted.length == 0 ? -1 : sorted[sorted.length - 1]));
        ResultFile.write(file, result);
    }

    /** p50, p99 and max of the terminal events sent in each 10 s of the measured time, in the log. */
    private static void logBySendTime(long measuredFromNanos, List<Long> latenciesNanos, List<Long> sentAtNanos) {
        Map<Long, List<Long>> slices = new java.util.TreeMap<>();
        for (int i = 0; i < latenciesNanos.size(); i++) {
            long slice = (sentAtNanos.get(i) - measuredFromNanos) / 10_000_000_000L;
            slices.computeIfAbsent(slice, s -> new ArrayList<>()).add(latenciesNanos.get(i));
        }
        slices.forEach((slice, values) -> {
            long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(sorted);
            log.info(
                    "sent {}-{} s: {} terminal events, p50 {} ms, p99 {} ms, max {} ms",
                    slice * 10,
                    slice * 10 + 10,
                    sorted.length,
                    millis(percentile(sorted, 0.50)),
                    millis(percentile(sorted, 0.99)),
                    millis(sorted[sorted.length - 1]));
        });
    }

    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
