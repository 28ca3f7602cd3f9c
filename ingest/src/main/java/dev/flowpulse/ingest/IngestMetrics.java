package dev.flowpulse.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest's own meters, exposed in Prometheus as {@code flowpulse_ingest_*} (Micrometer adds
 * {@code _total} to counters). Outcome labels are pre-registered so every series exists at 0
 * from the start. The producer's client metrics are bound separately ({@code KafkaClientMetrics}).
 *
 * <p>Create once per service; thread safe.
 */
public final class IngestMetrics {

    public static final String SKIP_NOT_A_STATE_CHANGE = "not_a_state_change";
    public static final String SKIP_DUPLICATE = "duplicate";
    public static final String SKIP_UNKNOWN_MESSAGE = "unknown_message_type";
    public static final String CONNECT_SUCCESS = "success";
    public static final String CONNECT_AUTH_FAILED = "auth_failed";
    public static final String CONNECT_ERROR = "error";
    /** The {@code cause} labels of {@code flowpulse_ingest_reconnects_total} (see the websocket's {@code ConnectionEnd}). */
    public static final java.util.List<String> RECONNECT_CAUSES = java.util.List.of(
            "connect_failed",
            "auth_failed",
            "clean_close",
            "server_restart",
            "protocol_error",
            "server_error",
            "close_other",
            "tcp_drop",
            "ping_timeout",
            "publish_failed",
            "error");

    private final MeterRegistry registry;
    private final Counter messagesReceived;
    private final Counter eventsPublished;
    private final Counter publishErrors;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong lastEventOccurredMillis = new AtomicLong();
    /** When an event was last acknowledged on the raw topic (epoch ms, this process's clock); 0 before. */
    private final AtomicLong lastPublishedAtMillis = new AtomicLong();

    private final Clock clock;

    public IngestMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    public IngestMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        messagesReceived = Counter.builder("flowpulse.ingest.messages.received")
                .description("Complete text messages received on the Prefect event websocket")
                .register(registry);
        eventsPublished = Counter.builder("flowpulse.ingest.events.published")
                .description("Flow-run state-change events acknowledged by Kafka on the raw topic")
                .register(registry);
        publishErrors = Counter.builder("flowpulse.ingest.publish.errors")
                .description("Kafka sends (raw events and dead letters) that failed")
                .register(registry);
        for (String reason : new String[] {SKIP_NOT_A_STATE_CHANGE, SKIP_DUPLICATE, SKIP_UNKNOWN_MESSAGE}) {
            skippedCounter(reason);
        }
        for (String outcome : new String[] {CONNECT_SUCCESS, CONNECT_AUTH_FAILED, CONNECT_ERROR}) {
            connectsCounter(outcome);
        }
        for (String cause : RECONNECT_CAUSES) {
            reconnectsCounter(cause, "none");
        }
        Gauge.builder("flowpulse.ingest.connected", connected, AtomicInteger::get)
                .description("1 while the websocket is authenticated and subscribed, else 0")
                .register(registry);
        Gauge.builder("flowpulse.ingest.last.event.occurred.seconds", lastEventOccurredMillis, ms -> ms.get() / 1000.0)
                .description(
                        "Latest 'occurred' (unix seconds) of an event published to the raw topic; 0 before the first")
                .register(registry);
        Gauge.builder("flowpulse.ingest.seconds.since.last.event", this, IngestMetrics::secondsSinceLastPublished)
                .description("Seconds since this process last published an event to the raw topic (either path);"
                        + " NaN before the first")
                .register(registry);
    }

    private double secondsSinceLastPublished() {
        long at = lastPublishedAtMillis.get();
        return at == 0 ? Double.NaN : Math.max(0, clock.millis() - at) / 1000.0;
    }

    public void messageReceived() {
        messagesReceived.increment();
    }

    public void eventPublished(Instant occurred) {
        eventsPublished.increment();
        lastPublishedAtMillis.set(clock.millis());
        lastEventOccurredMillis.accumulateAndGet(occurred.toEpochMilli(), Math::max);
    }

    public void eventSkipped(String reason) {
        skippedCounter(reason).increment();
    }

    public void deadLetter(String reason) {
        Counters.of(
                        registry,
                        "flowpulse.ingest.dead.letters",
                        "Malformed websocket messages written to the dead-letter topic",
                        "reason",
                        reason)
                .increment();
    }

    public void publishError() {
        publishErrors.increment();
    }

    public void connectAttempt(String outcome) {
        connectsCounter(outcome).increment();
    }

    /** A connection ended and a reconnect follows: {@code cause} and the close {@code code} (or {@code none}). */
    public void reconnect(String cause, String code) {
        if (cause != null) {
            reconnectsCounter(cause, code).increment();
        }
    }

    public void connected(boolean isConnected) {
        connected.set(isConnected ? 1 : 0);
    }

    private Counter skippedCounter(String reason) {
        return Counters.of(
                registry,
                "flowpulse.ingest.events.skipped",
                "Events not published: not a state change (heartbeat), duplicate, unknown message type",
                "reason",
                reason);
    }

    private Counter reconnectsCounter(String cause, String code) {
        return Counters.of(
                registry,
                "flowpulse.ingest.reconnects",
                "Websocket connections that ended (a reconnect follows), by cause and close code",
                "cause",
                cause,
                "code",
                code);
    }

    private Counter connectsCounter(String outcome) {
        return Counters.of(
                registry,
                "flowpulse.ingest.connects",
                "Websocket connection attempts by outcome (success = authenticated and subscribed)",
                "outcome",
                outcome);
    }
}
