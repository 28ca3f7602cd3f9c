package dev.flowpulse.benchmarks.sink;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.ResourceRef;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.runtime.MetricsHttpServer;
import dev.flowpulse.sink.SinkConfig;
import dev.flowpulse.sink.SinkService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrape time and heap of the real {@link SinkService} with about {@code SERIES} (default 10,000)
 * live Prometheus series ({@code prefect_*} samples on the page, every histogram bucket one),
 * black box: an {@link EmbeddedKafkaBroker} in this JVM, topology output records written as
 * the topology writes them (contract record classes, {@code Json.mapper()}, one transaction per
 * topic), the sink started as {@code SinkMain} starts it, {@code GET /metrics} over HTTP
 * {@code SCRAPES} times, interleaved with the same number of scrapes of a bare Micrometer
 * registry with as many plain gauges as the sink serves {@code prefect_*} samples. Not a test.
 *
 * <p>Arguments: the benchmarks directory (where {@code RESULTS.md} lives) and the command line to
 * report. Prints {@code sink-scrape: …} as its last line.
 */
public final class SinkScrapeBenchmark {

    private static final Logger log = LoggerFactory.getLogger(SinkScrapeBenchmark.class);
    private static final Duration CATCH_UP = Duration.ofMinutes(10);
    private static final String WORKSPACE = "bench";
    private static final StateType[] STATES = {
        StateType.COMPLETED, StateType.FAILED, StateType.RUNNING, StateType.SCHEDULED
    };
    /**
     * {@code prefect_*} sample lines one deployment's records put on the page (totals, finished
     * histograms, window states, ratios and duration buckets, in-progress and info series): about
     * 115 (12,628 for 110 deployments at {@code d2e72e6}, 12,746 for 111 at {@code 307add7}), about
     * 91 when the minute turns between writing and scraping and the 1m window's series leave the
     * page (7,812 for 86). 90 makes {@code SERIES=10000} put at least 10,000 on the page either way;
     * the report prints the real count.
     */
    private static final int SERIES_PER_DEPLOYMENT = 90;

    private static final String[] STATE_NAMES = {"Completed", "Failed", "Running", "Scheduled"};

    private SinkScrapeBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks");
        String command = args.length > 1 ? args[1] : "BENCH=sink ./run-benchmarks.sh";
        int series = Integer.parseInt(System.getenv().getOrDefault("SERIES", "10000"));
        int scrapes = Integer.parseInt(System.getenv().getOrDefault("SCRAPES", "50"));
        // a deployment makes ~50 Prometheus series (each histogram bucket is one): 4 state, 2 finished,
        // 2 x 17 duration, window and in-progress series; the page's prefect_* sample count is reported
        int deployments = Math.max(1, series / SERIES_PER_DEPLOYMENT);
        Path data = dir.resolve("target")
                .resolve("bench-sink")
                .resolve(UUID.randomUUID().toString());
        Files.createDirectories(data);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data)) {
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            env.put("FLOWPULSE_SINK_MAX_SERIES", Integer.toString(Math.max(10_000, deployments * STATES.length)));
            Topics topics = Topics.fromEnv(new EnvReader(env));
            for (var d : topics.descriptors()) {
                broker.createTopic(d.name(), 3, d.configs());
            }
            long t0 = System.nanoTime();
            Corpus corpus = produce(broker, topics, deployments);
            double produceSeconds = (System.nanoTime() - t0) / 1e9;
            log.info("Wrote {} records in {} s", corpus.records(), String.format(Locale.ROOT, "%.1f", produceSeconds));
            long heapBefore = heapAfterGc();

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            long started = System.nanoTime();
            try (SinkService sink = new SinkService(SinkConfig.fromEnv(env), registry);
                    MetricsHttpServer sinkHttp = MetricsHttpServer.start(
                            "127.0.0.1", 0, registry, () -> MetricsHttpServer.Health.healthy())) {
                sink.start();
                HttpClient http = HttpClient.newHttpClient();
                long deadline = System.nanoTime() + CATCH_UP.toNanos();
                String page = "";
                // caught up = every prefect_* family the records make is on the page, complete
                while (countPrefix(page, "prefect_flow_run_states_total{") < deployments * STATES.length
                        || countPrefix(page, "prefect_flow_runs_in_progress{") == 0
                        || countPrefix(page, "prefect_flow_run_window_finished{") == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("sink not caught up within " + CATCH_UP);
                    }
                    TimeUnit.MILLISECONDS.sleep(200);
                    page = get(http, sinkHttp.metricsUri()).body();
                }
                double catchUpSeconds = (System.nanoTime() - started) / 1e9;
                int samples = countPrefix(page, "prefect_");
                long lines = page.lines().filter(l -> !l.startsWith("#")).count();
                long heapSink = heapAfterGc();

                PrometheusMeterRegistry bare = bareRegistry(samples);
                try (MetricsHttpServer bareHttp =
                        MetricsHttpServer.start("127.0.0.1", 0, bare, () -> MetricsHttpServer.Health.healthy())) {
                    for (int i = 0; i < 5; i++) { // warm-up, not counted
                        get(http, sinkHttp.metricsUri());
                        get(http, bareHttp.metricsUri());
                    }
                    List<Double> sinkMs = new ArrayList<>();
                    List<Double> bareMs = new ArrayList<>();
                    int bytes = 0;
                    for (int i = 0; i < scrapes; i++) {
                        long s = System.nanoTime();
                        bytes = get(http, sinkHttp.metricsUri()).body().length();
                        sinkMs.add((System.nanoTime() - s) / 1e6);
                        s = System.nanoTime();
                        get(http, bareHttp.metricsUri());
                        bareMs.add((System.nanoTime() - s) / 1e6);
                    }
                    long heapEnd = heapAfterGc();
                    Result r = new Result(
                            command,
                            series,
                            deployments,
                            corpus,
                            produceSeconds,
                            catchUpSeconds,
                            samples,
                            lines,
                            bytes,
                            scrapes,
                            Stats.of(sinkMs),
                            Stats.of(bareMs),
                            heapBefore,
                            heapSink,
                            heapEnd,
                            Runtime.getRuntime().maxMemory());
                    SinkScrapeReport.write(dir.resolve("RESULTS.md"), r);
                    System.out.println(r.summary());
                }
            }
        }
    }

    /** What was written: how many records of each topic. */
    record Corpus(int stateTotals, int finishedTotals, int windowStats, int inProgress) {
        int records() {
            return stateTotals + finishedTotals + windowStats + inProgress;
        }
    }

    /**
     * {@code deployments} deployments (two per flow, twelve work pools): four state series each
     * (Completed, Failed, Running, Scheduled), two finished series (COMPLETED, FAILED) with
     * durations, window stats of the current 1m, 5m and 1h slices, and one RUNNING run per five
     * deployments.
     */
    private static Corpus produce(EmbeddedKafkaBroker broker, Topics topics, int deployments) throws IOException {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-sink-" + UUID.randomUUID());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        Instant now = Instant.now();
        int states = 0;
        int finished = 0;
        int windows = 0;
        int running = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int d = 0; d < deployments; d++) {
                String flow = "flow-" + (d / 2);
                String deployment = "deployment-" + d;
                String pool = "pool-" + (d % 12);
                SeriesLabels labels = new SeriesLabels(WORKSPACE, flow, deployment, pool);
                for (int s = 0; s < STATES.length; s++) {
                    StateSeries key = new StateSeries(labels, STATES[s], STATE_NAMES[s]);
                    send(producer, topics.stateTotals(), key, new StateTotal(key, 10L + d % 97 + s));
                    states++;
                }
                for (StateType type : List.of(StateType.COMPLETED, StateType.FAILED)) {
                    FinishedSeries key = new FinishedSeries(labels, type);
                    DurationHistogram h = DurationHistogram.empty();
                    for (int i = 0; i < 1 + d % 7; i++) {
                        h = h.plus(5.0 + 37.0 * i + d % 300);
                    }
                    send(producer, topics.finishedTotals(), key, new FinishedTotal(key, h));
                    finished++;
                }
                WindowStats stats = WindowStats.empty()
                        .plusState(StateType.COMPLETED, "Completed", false)
                        .plusFinish(StateType.COMPLETED, 30.0 + d % 60)
                        .plusState(StateType.FAILED, "Failed", false)
                        .plusFinish(StateType.FAILED, 12.0);
                for (Duration size : List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1))) {
                    long ms = size.toMillis();
                    Instant start = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), ms) * ms);
                    WindowKey key = new WindowKey(
                            WORKSPACE,
                            WindowKey.DEPLOYMENT,
                            Map.of("flow", flow, "deployment", deployment, "work_pool", pool),
                            start,
                            start.plus(size),
                            size.toSeconds(),
                            size.toSeconds());
                    send(producer, topics.windowStats(), key, stats);
                    windows++;
                }
                if (d % 5 == 0) {
                    String id = new UUID(0x019df2373ef67325L, d).toString();
                    InProgressRun run = new InProgressRun(
                            WORKSPACE,
                            id,
                            "run-" + d,
                            new ResourceRef(new UUID(1, d / 2).toString(), flow),
                            new ResourceRef(new UUID(2, d).toString(), deployment),
                            new ResourceRef(new UUID(3, d % 12).toString(), pool),
                            List.of("prod", "team:t" + (d % 10)),
                            StateType.RUNNING,
                            "Running",
                            now.minusSeconds(60 + d % 600),
                            now.minusSeconds(60 + d % 600),
                            1,
                            false,
                            3600);
                    producer.send(new ProducerRecord<>(topics.inProgressRuns(), id.getBytes(), json(run)));
                    running++;
                }
            }
            producer.commitTransaction();
        }
        return new Corpus(states, finished, windows, running);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, Object key, Object value)
            throws IOException {
        producer.send(new ProducerRecord<>(topic, json(key), json(value)));
    }

    private static byte[] json(Object value) throws IOException {
        return Json.mapper().writeValueAsBytes(value);
    }

    /** The baseline: {@code gauges} plain gauges with four labels each, nothing else. */
    private static PrometheusMeterRegistry bareRegistry(int gauges) {
        PrometheusMeterRegistry bare = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicLong value = new AtomicLong(42);
        for (int i = 0; i < gauges; i++) {
            Gauge.builder("bare_gauge", value, AtomicLong::doubleValue)
                    .tag("flow", "flow-" + (i / 8))
                    .tag("deployment", "deployment-" + (i / 4))
                    .tag("work_pool", "pool-" + (i % 12))
                    .tag("state", "s" + (i % 4))
                    .register(bare);
        }
        return bare;
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 503) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
        }
        return r;
    }

    private static int countPrefix(String page, String prefix) {
        return (int) page.lines().filter(l -> l.startsWith(prefix)).count();
    }

    /** Used heap after two full GCs, bytes. */
    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
