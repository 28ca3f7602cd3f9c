package dev.flowpulse.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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

    private final MeterRegistry registry;
    private final Counter messagesReceived;
    private final Counter eventsPublished;
    private final Counter publishErrors;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong lastEventOccurredMillis = new AtomicLong();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
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
        Gauge.builder("flowpulse.ingest.connected", connected, AtomicInteger::get)
                .description("1 while the websocket is authenticated and subscribed, else 0")
                .register(registry);
        Gauge.builder("flowpulse.ingest.last.event.occurred.seconds", lastEventOccurredMillis, ms -> ms.get() / 1000.0)
                .description(
                        "Latest 'occurred' (unix seconds) of an event published to the raw topic; 0 before the first")
                .register(registry);
    }

    public void messageReceived() {
        messagesReceived.increment();
    }

    public void eventPublished(Instant occurred) {
        eventsPublished.increment();
        lastEventOccurredMillis.accumulateAndGet(occurred.toEpochMilli(), Math::max);
    }

    public void eventSkipped(String reason) {
        skippedCounter(reason).increment();
    }

    public void deadLetter(String reason) {
        Counter.builder("flowpulse.ingest.dead.letters")
                .description("Malformed websocket messages written to the dead-letter topic")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void publishError() {
        publishErrors.increment();
    }

    public void connectAttempt(String outcome) {
        connectsCounter(outcome).increment();
    }

    public void connected(boolean isConnected) {
        connected.set(isConnected ? 1 : 0);
    }

    private Counter skippedCounter(String reason) {
        return Counter.builder("flowpulse.ingest.events.skipped")
                .description("Events not published: not a state change (heartbeat), duplicate, unknown message type")
                .tag("reason", reason)
                .register(registry);
    }

    private Counter connectsCounter(String outcome) {
        return Counter.builder("flowpulse.ingest.connects")
                .description("Websocket connection attempts by outcome (success = authenticated and subscribed)")
                .tag("outcome", outcome)
                .register(registry);
    }
}
