package dev.flowpulse.ingest;

import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.ingest.websocket.EventSubscriber;
import dev.flowpulse.runtime.MetricsHttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: the event websockets of one or more Prefect sources → the raw topic, with
 * dead letters for bad frames.
 *
 * <p>Each source ({@link IngestSources}) has its own {@link IngestRecovery} (subscriber, REST
 * client, resume point, dedupe cache, gap recovery, history poller) and therefore its own
 * threads: a slow or failing source never stalls another. They share one idempotent producer
 * (records carry their {@code flowpulse.workspace} header). Every {@code flowpulse_ingest_*}
 * meter carries a {@code workspace} label.
 *
 * <p>Lifecycle: construct (registers meters), {@link #start()} (creates the producer and starts
 * every source's threads; returns at once), {@link #close()} (idempotent; stops reading, then
 * flushes and closes the producer, bounded). {@link #health()} is UP when every source is: a source
 * is DOWN until its first subscription, then UP while subscribed and for {@value
 * #RECONNECT_GRACE_MINUTES} minutes after a connection is lost, so a routine reconnect does not
 * flap the health check; the detail names the failing sources. Thread safe.
 */
public final class IngestService implements AutoCloseable {

    static final long RECONNECT_GRACE_MINUTES = 2;
    static final Duration RECONNECT_GRACE = Duration.ofMinutes(RECONNECT_GRACE_MINUTES);
    /** The label every ingest self-metric carries. */
    public static final String WORKSPACE_TAG = "workspace";

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final IngestSources sources;
    private final MeterRegistry registry;
    private final List<Source> running = new ArrayList<>();
    private final Clock clock;
    private RawEventPublisher publisher;
    private KafkaClientMetrics producerMetrics;
    private volatile boolean started;
    private volatile boolean closed;

    /** One source's meters and, once started, its recovery. */
    private static final class Source {
        final IngestConfig config;
        final MeterRegistry registry;
        final IngestMetrics metrics;
        volatile IngestRecovery recovery;

        Source(IngestConfig config, MeterRegistry shared, Clock clock) {
            this.config = config;
            this.registry = tagged(shared, config.workspace());
            this.metrics = new IngestMetrics(registry, clock);
        }
    }

    public IngestService(IngestConfig config, MeterRegistry registry) {
        this(IngestSources.of(config), registry, Clock.systemUTC());
    }

    public IngestService(IngestSources sources, MeterRegistry registry) {
        this(sources, registry, Clock.systemUTC());
    }

    IngestService(IngestConfig config, MeterRegistry registry, Clock clock) {
        this(IngestSources.of(config), registry, clock);
    }

    IngestService(IngestSources sources, MeterRegistry registry, Clock clock) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (IngestConfig config : sources.sources()) {
            running.add(new Source(config, registry, clock));
        }
    }

    /**
     * A view of {@code shared} that adds {@code workspace=<name>} to every meter registered through
     * it; the meters live in {@code shared} (and are scraped from it).
     */
    static MeterRegistry tagged(MeterRegistry shared, String workspace) {
        CompositeMeterRegistry view = new CompositeMeterRegistry(shared.config().clock());
        view.config().commonTags(WORKSPACE_TAG, workspace);
        view.add(shared);
        return view;
    }

    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "ingest service is closed" : "ingest service already started");
        }
        started = true;
        IngestConfig shared = sources.first();
        publisher = RawEventPublisher.create(shared.kafka(), shared.topics(), shared.workspace());
        producerMetrics = new KafkaClientMetrics(publisher.producer());
        producerMetrics.bindTo(registry);
        for (Source source : running) {
            log.info("Starting ingest of workspace {}: {}", source.config.workspace(), source.config);
            RawEventPublisher own = publisher.forWorkspace(source.config.workspace());
            source.recovery = IngestRecovery.start(source.config, own, source.metrics, source.registry, clock);
        }
    }

    /** UP when every source is; otherwise the reasons, each naming its workspace when there are several. */
    public MetricsHttpServer.Health health() {
        if (closed) {
            return MetricsHttpServer.Health.unhealthy("ingest is stopped");
        }
        if (!started) {
            return MetricsHttpServer.Health.unhealthy("ingest is not started");
        }
        List<String> down = new ArrayList<>();
        for (Source source : running) {
            MetricsHttpServer.Health h = health(source.recovery);
            if (!h.up()) {
                down.add(
                        running.size() == 1
                                ? h.detail()
                                : "workspace " + source.config.workspace() + ": " + h.detail());
            }
        }
        return down.isEmpty()
                ? MetricsHttpServer.Health.healthy()
                : MetricsHttpServer.Health.unhealthy(String.join("; ", down));
    }

    private MetricsHttpServer.Health health(IngestRecovery recovery) {
        EventSubscriber s = recovery.subscriber();
        if (s == null && recovery.startFailure() != null) {
            return MetricsHttpServer.Health.unhealthy("ingest failed to start: " + recovery.startFailure());
        }
        if (s == null) {
            return MetricsHttpServer.Health.unhealthy("reading the resume point from Kafka");
        }
        if (!s.everSubscribed()) {
            return MetricsHttpServer.Health.unhealthy(
                    "not yet subscribed to the Prefect event websocket (" + s.url() + ")");
        }
        Optional<Instant> down = s.disconnectedSince();
        if (down.isEmpty()) {
            return MetricsHttpServer.Health.healthy();
        }
        Duration downFor = Duration.between(down.get(), clock.instant());
        return downFor.compareTo(RECONNECT_GRACE) < 0
                ? MetricsHttpServer.Health.healthy()
                : MetricsHttpServer.Health.unhealthy(
                        "Prefect event websocket not subscribed for " + downFor.toSeconds() + " s (" + s.url() + ")");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Each stops its subscriber, then writes its final resume point; in parallel, so one slow
        // source does not delay the others' final commit.
        List<Thread> closers = new ArrayList<>();
        for (Source source : running) {
            IngestRecovery recovery = source.recovery;
            if (recovery != null) {
                Thread t = new Thread(recovery::close, "ingest-close-" + source.config.workspace());
                t.start();
                closers.add(t);
            }
        }
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (publisher != null) {
            publisher.close(Duration.ofSeconds(5));
        }
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        log.info("Ingest stopped");
    }
}
