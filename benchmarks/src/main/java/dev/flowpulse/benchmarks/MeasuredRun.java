package dev.flowpulse.benchmarks;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.TopicProvisioner;
import dev.flowpulse.streams.StreamsService;
import dev.flowpulse.streams.StreamsServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One measured run, in a fresh JVM: starts either flowpulse's whole topology (through
 * {@link StreamsService}, configured from an environment map like the service) or the
 * {@link BareWindowedCount}, with a fresh application id and state dir, from the earliest offset;
 * measures from the first raw record read ({@link FirstRecordClock}) until the app's consumer
 * group has committed every input offset ({@link CommitWatcher}); samples the heap
 * ({@link HeapSampler}); writes the figures to the result file.
 *
 * <p>Usage: {@code MeasuredRun <bare|flowpulse> <bootstrap> <raw-topic> <label> <work-dir> <result-file>}.
 */
public final class MeasuredRun {

    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    /** A run fails when its app committed no input offset for this long (start-up included). */
    static final Duration STALL_TIMEOUT = Duration.ofMinutes(3);

    private static final Logger log = LoggerFactory.getLogger(MeasuredRun.class);

    private MeasuredRun() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            log.error("Measured run failed", e);
            System.exit(1);
        }
        // Ends the JVM even if a client left a non-daemon thread behind; dumps a JFR recording.
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        String kind = args[0];
        String bootstrap = args[1];
        String rawTopic = args[2];
        String label = args[3];
        Path workDir = Path.of(args[4]).toAbsolutePath();
        String applicationId = "bench-" + label + "-" + System.currentTimeMillis();
        Path stateDir = workDir.resolve("state-" + label);
        HeapSampler heap = new HeapSampler();
        FirstRecordClock.watch(rawTopic);
        long events;
        long started = System.currentTimeMillis();
        long done;
        try (CommitWatcher watcher = new CommitWatcher(bootstrap, rawTopic, applicationId)) {
            events = watcher.endOffsetTotal();
            RunningApp app = switch (kind) {
                case "flowpulse" -> startFlowpulse(bootstrap, rawTopic, applicationId, stateDir);
                case "bare" -> startBare(bootstrap, rawTopic, applicationId, stateDir);
                default -> throw new IllegalArgumentException("kind must be bare or flowpulse: " + kind);
            };
            try (app) {
                done = watcher.awaitAllCommitted(STALL_TIMEOUT, app::failed);
            }
        }
        long first = FirstRecordClock.firstReadMillis();
        double seconds = (done - first) / 1000.0;
        Properties result = new Properties();
        result.put("kind", kind);
        result.put("events", Long.toString(events));
        result.put("seconds", String.format(Locale.ROOT, "%.3f", seconds));
        result.put("eventsPerSecond", Long.toString(Math.round(events / seconds)));
        result.put("startupSeconds", String.format(Locale.ROOT, "%.3f", (first - started) / 1000.0));
        result.put("peakHeapBytes", Long.toString(heap.peakUsedBytes()));
        result.put("committedHeapBytes", Long.toString(heap.committedBytes()));
        result.put("peakRssBytes", Long.toString(HeapSampler.peakRssBytes()));
        result.put("maxHeapBytes", Long.toString(Runtime.getRuntime().maxMemory()));
        heap.close();
        ResultFile.write(args[5], result);
        log.info("{} {}: {} events in {} s", kind, label, events, result.get("seconds"));
        TopicCleanup.deleteAllBut(bootstrap, rawTopic);
    }

    /** A started Streams app: closable, and whether it stopped on an error. */
    interface RunningApp extends AutoCloseable {
        boolean failed();

        /** Past start-up: tasks assigned and restored. */
        boolean running();

        @Override
        void close();
    }

    static RunningApp startFlowpulse(String bootstrap, String rawTopic, String applicationId, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        // The caller's FLOWPULSE_* and KAFKA_* settings apply, like for the service; ours win.
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("FLOWPULSE_") || k.startsWith("KAFKA_")) {
                env.put(k, v);
            }
        });
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KAFKA_CONSUMER_INTERCEPTOR_CLASSES", FirstRecordClock.class.getName());
        env.put("FLOWPULSE_TOPIC_RAW_EVENTS", rawTopic);
        env.put("FLOWPULSE_STREAMS_APPLICATION_ID", applicationId);
        env.put("FLOWPULSE_STATE_DIR", stateDir.toString());
        env.put("FLOWPULSE_STREAMS_THREADS", "1");
        env.put("FLOWPULSE_COMMIT_INTERVAL", COMMIT_INTERVAL.toMillis() + "ms");
        env.put("FLOWPULSE_TOPIC_PARTITIONS", Integer.toString(CorpusProducer.PARTITIONS));
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(env);
        TopicProvisioner.ensureFromEnv(new EnvReader(env), config.topics(), config.kafkaProperties());
        StreamsService service = new StreamsService(config, MeterRegistries.prometheus(env));
        service.start();
        return new RunningApp() {
            @Override
            public boolean failed() {
                return service.failure().isPresent()
                        || service.state()
                                .filter(s -> s == KafkaStreams.State.ERROR)
                                .isPresent();
            }

            @Override
            public boolean running() {
                return service.state()
                        .filter(s -> s == KafkaStreams.State.RUNNING)
                        .isPresent();
            }

            @Override
            public void close() {
                service.close();
            }
        };
    }

    private static RunningApp startBare(String bootstrap, String rawTopic, String applicationId, Path stateDir)
            throws Exception {
        String output = applicationId + "-counts";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(output, CorpusProducer.PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties props = BareWindowedCount.properties(bootstrap, applicationId, stateDir, COMMIT_INTERVAL);
        props.put(
                StreamsConfig.consumerPrefix(
                        org.apache.kafka.clients.consumer.ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
                FirstRecordClock.class.getName());
        KafkaStreams streams = new KafkaStreams(BareWindowedCount.topology(rawTopic, output), props);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("Bare stream thread died", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .SHUTDOWN_CLIENT;
        });
        streams.start();
        return new RunningApp() {
            @Override
            public boolean failed() {
                return streams.state() == KafkaStreams.State.ERROR
                        || streams.state() == KafkaStreams.State.PENDING_ERROR;
            }

            @Override
            public boolean running() {
                return streams.state() == KafkaStreams.State.RUNNING;
            }

            @Override
            public void close() {
                streams.close(Duration.ofSeconds(30));
            }
        };
    }
}
