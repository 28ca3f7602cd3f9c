package dev.flowpulse.sink;

import dev.flowpulse.runtime.MetricsHttpServer.Health;
import dev.flowpulse.sink.alert.SinkAlerting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the totals topics as Prometheus metrics: registers a {@link TotalsCollector} on the
 * registry's client_java registry, and runs one {@link TotalsConsumer} thread that rebuilds the
 * {@link TotalsTable} from the beginning of the compacted topics and then follows them. The
 * production wiring also runs alerting ({@link SinkAlerting}, whose window table feeds the
 * {@link TopologyCollector}) a {@link HistoryConsumer} feeding the {@link HistoryCollector}, and a {@link RunCatalog}
 * feeding the {@link InfoCollector}, each on its own {@link CompactedTopicReader} thread.
 *
 * <p>Lifecycle: {@link #start} (once; returns at once), {@link #close} (idempotent; stops the
 * consumer, waits up to 10 s, and removes the sink's metrics from the registry so a new sink can
 * use the same registry). The HTTP endpoint is not part of the service: {@code SinkMain} or the
 * local launcher serves the registry with {@code MetricsHttpServer} and {@link #health}.
 * Thread safe.
 */
public final class SinkService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkService.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final SinkConfig config;
    private final PrometheusMeterRegistry registry;
    private final Function<Properties, Consumer<byte[], byte[]>> consumerFactory;
    private final TotalsTable table = new TotalsTable();
    private final TotalsCollector collector;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile TotalsConsumer loop;
    private volatile Thread thread;
    private volatile SinkMetrics metrics;
    private final boolean withAlerting;
    private volatile SinkAlerting alerting;
    private volatile TopologyCollector topologyCollector;
    private volatile WindowDurationCollector windowDurationCollector;
    private final List<Feed> feeds = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile SinkDeadLetters deadLetters;
    private List<io.micrometer.core.instrument.Meter> deadLetterMeters = List.of();

    /**
     * A topic reader of the production wiring besides the totals and alerting ones: its thread,
     * the collector it feeds and its self-metrics.
     */
    private record Feed(
            String what,
            CompactedTopicReader reader,
            Thread thread,
            io.prometheus.metrics.model.registry.MultiCollector collector,
            List<io.micrometer.core.instrument.Meter> meters) {}

    /** Production wiring: also evaluates alerts ({@link SinkAlerting}, alert state in Kafka). */
    public SinkService(SinkConfig config, PrometheusMeterRegistry registry) {
        this(config, registry, KafkaConsumer::new, true);
    }

    /** For tests: the consumer comes from {@code consumerFactory} (given {@link SinkConfig#consumerProperties()}). */
    SinkService(
            SinkConfig config,
            PrometheusMeterRegistry registry,
            Function<Properties, Consumer<byte[], byte[]>> consumerFactory) {
        this(config, registry, consumerFactory, false);
    }

    private SinkService(
            SinkConfig config,
            PrometheusMeterRegistry registry,
            Function<Properties, Consumer<byte[], byte[]>> consumerFactory,
            boolean withAlerting) {
        this.withAlerting = withAlerting;
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
        this.collector = new TotalsCollector(table, config.seriesLimits(), this::caughtUp);
    }

    /** Registers the metrics and starts the consumer thread; does not wait for Kafka. */
    public synchronized void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("SinkService can be started once");
        }
        List<String> topics =
                List.of(config.topics().stateTotals(), config.topics().finishedTotals());
        // the production wiring sets bad records aside; the MockConsumer wiring of unit tests has no broker
        deadLetters = withAlerting
                ? SinkDeadLetters.toKafka(config.topics().deadLetters(), config.kafka())
                : SinkDeadLetters.discarding();
        deadLetterMeters = deadLetters.bind(registry);
        registry.getPrometheusRegistry().register(collector);
        metrics = new SinkMetrics(registry, topics, collector, this::caughtUp, this::lagRecords);
        loop = new TotalsConsumer(
                consumerFactory.apply(config.consumerProperties()),
                topics,
                config.pollTimeout(),
                config.partitionCheckInterval(),
                new TotalsRecordDecoder(topics.get(0), topics.get(1)),
                table,
                metrics,
                deadLetters);
        thread = new Thread(loop, "flowpulse-sink-consumer");
        thread.setDaemon(true);
        thread.start();
        log.info("Sink started: serving {} and {} as Prometheus metrics", topics.get(0), topics.get(1));
        if (withAlerting) {
            alerting = new SinkAlerting(
                    config.alerting(),
                    config.windowSizes(),
                    config.teamTagPrefix(),
                    List.of(config.topics().windowStats(), config.topics().windowStatsFinal()),
                    config.topics().inProgressRuns(),
                    config.topics().alertState(),
                    config.consumerProperties(),
                    config.kafka(),
                    consumerFactory,
                    config.pollTimeout(),
                    config.partitionCheckInterval(),
                    registry,
                    deadLetters);
            alerting.start();
            SinkAlerting a = alerting;
            topologyCollector = new TopologyCollector(
                    a.table(), config.windowSizes(), config.seriesLimits(), a::caughtUp, java.time.Clock.systemUTC());
            registry.getPrometheusRegistry().register(topologyCollector);
            windowDurationCollector = new WindowDurationCollector(
                    a.table(), config.windowSizes(), config.seriesLimits(), a::caughtUp, java.time.Clock.systemUTC());
            registry.getPrometheusRegistry().register(windowDurationCollector);
            startHistory();
            startCatalog();
        }
    }

    private void startHistory() {
        HistoryTable historyTable = new HistoryTable();
        HistoryConsumer handler = new HistoryConsumer(historyTable, deadLetters);
        CompactedTopicReader reader = reader("history", List.of(config.historyTopic()), handler);
        start(new Feed(
                "history topic",
                reader,
                new Thread(reader, "flowpulse-sink-history"),
                new HistoryCollector(historyTable, config.seriesLimits(), reader::caughtUp),
                handler.bind(registry, reader::caughtUp)));
    }

    private void startCatalog() {
        RunCatalog catalog = new RunCatalog(config.topics().finishedRuns(), deadLetters);
        CompactedTopicReader reader = reader(
                "catalog",
                List.of(config.topics().finishedRuns(), config.topics().inProgressRuns()),
                catalog);
        List<io.micrometer.core.instrument.Meter> meters = List.of(
                io.micrometer.core.instrument.Gauge.builder(
                                "flowpulse.sink.catalog.caught_up", reader, r -> r.caughtUp() ? 1 : 0)
                        .description("1 once the finished-runs and in-progress topics were read up to the end offsets"
                                + " seen at start (the info gauges are served from then on), else 0")
                        .register(registry),
                io.micrometer.core.instrument.FunctionCounter.builder(
                                "flowpulse.sink.catalog.records_rejected", catalog, RunCatalog::rejected)
                        .description(
                                "Records of the finished-runs and in-progress topics the info gauges could not read")
                        .register(registry));
        start(new Feed(
                "finished-runs topic",
                reader,
                new Thread(reader, "flowpulse-sink-catalog"),
                new InfoCollector(catalog, config.seriesLimits(), reader::caughtUp),
                meters));
    }

    private CompactedTopicReader reader(String name, List<String> topics, CompactedTopicReader.Handler handler) {
        Properties props = config.consumerProperties();
        props.put("client.id", props.getProperty("client.id") + "-" + name);
        return new CompactedTopicReader(
                name,
                consumerFactory.apply(props),
                topics,
                config.pollTimeout(),
                config.partitionCheckInterval(),
                handler);
    }

    private void start(Feed feed) {
        registry.getPrometheusRegistry().register(feed.collector());
        feed.thread().setDaemon(true);
        feed.thread().start();
        feeds.add(feed);
    }

    /** The running alerting, once {@link #start}ed with it (the production wiring); empty otherwise. */
    public java.util.Optional<SinkAlerting> alerting() {
        return java.util.Optional.ofNullable(alerting);
    }

    /** True once every partition has been read up to the end offset it had when the sink started. */
    public boolean caughtUp() {
        TotalsConsumer l = loop;
        return l != null && l.caughtUp();
    }

    /** UP only while the consumer thread runs and has caught up: before that, {@code /metrics} would under-report. */
    public Health health() {
        Thread t = thread;
        TotalsConsumer l = loop;
        if (closed.get()) {
            return Health.unhealthy("sink is closed");
        }
        if (t == null || l == null) {
            return Health.unhealthy("sink is not started");
        }
        if (l.failure() != null) {
            return Health.unhealthy(
                    "totals consumer failed: " + l.failure().getClass().getSimpleName());
        }
        if (!t.isAlive()) {
            return Health.unhealthy("totals consumer thread is not running");
        }
        if (!l.caughtUp()) {
            return Health.unhealthy("catching up on the totals topics");
        }
        SinkAlerting a = alerting;
        if (a != null && a.problem() != null) {
            return Health.unhealthy(a.problem());
        }
        for (Feed f : feeds) {
            Throwable failure = f.reader().failure();
            if (failure != null) {
                return Health.unhealthy(
                        f.what() + " consumer failed: " + failure.getClass().getSimpleName());
            }
        }
        return Health.healthy();
    }

    /** Blocks until the consumer thread ends: after {@link #close}, or when it failed. */
    public void join() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        SinkAlerting a = alerting;
        if (a != null) {
            registry.getPrometheusRegistry().unregister(topologyCollector);
            registry.getPrometheusRegistry().unregister(windowDurationCollector);
            a.close();
        }
        for (Feed f : feeds) {
            f.reader().stop();
            try {
                f.thread().join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            registry.getPrometheusRegistry().unregister(f.collector());
            f.meters().forEach(registry::remove);
        }
        TotalsConsumer l = loop;
        Thread t = thread;
        if (l != null) {
            l.stop();
            try {
                t.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("Totals consumer did not stop within {}", CLOSE_WAIT);
            }
            registry.getPrometheusRegistry().unregister(collector);
            metrics.close();
        }
        SinkDeadLetters d = deadLetters;
        if (d != null) { // after every reader stopped: nothing sends any more
            d.close();
            deadLetterMeters.forEach(registry::remove);
        }
        log.info("Sink closed");
    }

    private double lagRecords() {
        TotalsConsumer l = loop;
        return l == null ? Double.NaN : l.lagRecords();
    }
}
