package dev.flowpulse.ingest;

import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.ingest.websocket.EventSubscriber;
import dev.flowpulse.runtime.MetricsHttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: Prefect's event websocket → the raw topic, with dead letters for bad frames.
 *
 * <p>Lifecycle: construct (registers meters), {@link #start()} (creates the producer and starts
 * the subscriber's threads; returns at once), {@link #close()} (idempotent; stops reading, then
 * flushes and closes the producer, bounded). {@link #health()} is DOWN until the first subscription,
 * then UP while subscribed and for {@value #RECONNECT_GRACE_MINUTES} minutes after a connection is
 * lost, so a routine reconnect does not flap the health check. Thread safe.
 */
public final class IngestService implements AutoCloseable {

    static final long RECONNECT_GRACE_MINUTES = 2;
    static final Duration RECONNECT_GRACE = Duration.ofMinutes(RECONNECT_GRACE_MINUTES);

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final MeterRegistry registry;
    private final IngestMetrics metrics;
    private final Clock clock;
    private RawEventPublisher publisher;
    private KafkaClientMetrics producerMetrics;
    private volatile IngestRecovery recovery;
    private volatile boolean closed;

    public IngestService(IngestConfig config, MeterRegistry registry) {
        this(config, registry, Clock.systemUTC());
    }

    IngestService(IngestConfig config, MeterRegistry registry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = new IngestMetrics(registry);
    }

    public synchronized void start() {
        if (recovery != null || closed) {
            throw new IllegalStateException(closed ? "ingest service is closed" : "ingest service already started");
        }
        log.info("Starting ingest: {}", config);
        publisher = RawEventPublisher.create(config.kafka(), config.topics(), config.workspace());
        producerMetrics = new KafkaClientMetrics(publisher.producer());
        producerMetrics.bindTo(registry);
        recovery = IngestRecovery.start(config, publisher, metrics, registry, clock);
    }

    public MetricsHttpServer.Health health() {
        EventSubscriber s = recovery == null ? null : recovery.subscriber();
        if (closed) {
            return MetricsHttpServer.Health.unhealthy("ingest is stopped");
        }
        if (s == null && recovery != null && recovery.startFailure() != null) {
            return MetricsHttpServer.Health.unhealthy("ingest failed to start: " + recovery.startFailure());
        }
        if (s == null) {
            return recovery == null
                    ? MetricsHttpServer.Health.unhealthy("ingest is not started")
                    : MetricsHttpServer.Health.unhealthy("reading the resume point from Kafka");
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
        if (recovery != null) {
            recovery.close(); // stops the subscriber, then writes the final resume point
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
