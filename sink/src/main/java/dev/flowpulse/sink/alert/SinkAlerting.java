package dev.flowpulse.sink.alert;

import dev.flowpulse.sink.SinkDeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerting as the running sink does it: a {@link WindowTopicsConsumer} thread follows the window,
 * window-final and in-progress topics into a {@link WindowTable}; once it has caught up, every
 * evaluation of {@link AlertingService} gets a {@link WindowTable#snapshot} as of the wall clock;
 * alert state lives in the {@link KafkaAlertStateStore}. Also registers the window consumer's
 * self-metrics ({@code flowpulse_sink_window_*}).
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} (idempotent) stops alerting, the consumer, the
 * store's producer and removes the metrics.
 */
public final class SinkAlerting implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkAlerting.class);

    private final WindowTable table;
    private final WindowTopicsConsumer consumer;
    private final KafkaAlertStateStore store;
    private final AlertingService alerting;
    private final Thread thread;
    private final MeterRegistry registry;
    private WindowMetrics metrics;
    private io.micrometer.core.instrument.FunctionCounter stateRejected;
    private final Clock clock;
    private boolean closed;

    /**
     * @param windowTopics    the window-stats update and final topics
     * @param inProgressTopic the in-progress-runs topic
     * @param alertStateTopic the compacted alert-state topic
     * @param consumerProps   consumer properties as the sink's totals consumer uses them (no group, bytes, read_committed)
     * @param kafka           the operator's {@code KAFKA_*} properties (for the state store)
     * @param deadLetters     where unreadable window, in-progress and alert-state records are set aside
     */
    public SinkAlerting(
            AlertingConfig config,
            List<Duration> windowSizes,
            String teamTagPrefix,
            List<String> windowTopics,
            String inProgressTopic,
            String alertStateTopic,
            Properties consumerProps,
            Properties kafka,
            Function<Properties, Consumer<byte[], byte[]>> consumers,
            Duration pollTimeout,
            Duration partitionCheckInterval,
            MeterRegistry registry,
            SinkDeadLetters deadLetters) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Clock.systemUTC();
        this.table = new WindowTable(windowSizes, teamTagPrefix);
        Duration longest =
                config.rules().windows().stream().max(Duration::compareTo).orElse(Duration.ZERO);
        Duration largest = windowSizes.stream().max(Duration::compareTo).orElseThrow();
        for (Duration w : config.rules().windows()) {
            Duration slice = table.sliceFor(w);
            if (w.toMillis() % slice.toMillis() != 0) {
                log.warn(
                        "No window size in FLOWPULSE_WINDOWS {} divides the rule window {}: it is answered with {}"
                                + " slices of {}, a little longer",
                        windowSizes,
                        w,
                        (w.toMillis() + slice.toMillis() - 1) / slice.toMillis(),
                        slice);
            }
        }
        Properties props = new Properties();
        props.putAll(consumerProps);
        props.put("client.id", props.getProperty("client.id", "flowpulse-sink") + "-windows");
        this.consumer = new WindowTopicsConsumer(
                consumers.apply(props),
                windowTopics,
                inProgressTopic,
                pollTimeout,
                partitionCheckInterval,
                longest.plus(largest).plus(largest),
                table,
                clock,
                deadLetters);
        this.store = new KafkaAlertStateStore(alertStateTopic, kafka, deadLetters);
        this.alerting = new AlertingService(config, this::view, store, registry);
        this.thread = new Thread(consumer, "flowpulse-sink-windows");
        this.thread.setDaemon(true);
    }

    /** The snapshot alerting evaluates: none until the window topics are read up to where they were at start. */
    Optional<WindowView> view() {
        return consumer.caughtUp() && consumer.failure() == null
                ? Optional.of(table.snapshot(clock.instant()))
                : Optional.empty();
    }

    public synchronized void start() {
        metrics = new WindowMetrics(
                registry, consumer::caughtUp, consumer::lagRecords, consumer::applied, consumer::rejected, () -> {
                    long last = consumer.lastUpdateMillis();
                    return last < 0 ? Double.NaN : (clock.millis() - last) / 1000.0;
                });
        stateRejected = io.micrometer.core.instrument.FunctionCounter.builder(
                        "flowpulse.sink.alert_state.records_rejected", store, KafkaAlertStateStore::unreadable)
                .description("Alert-state records skipped because they could not be read")
                .register(registry);
        thread.start();
        alerting.start();
    }

    /** The alerting view's data, for the metrics served from it. */
    public WindowTable table() {
        return table;
    }

    /** True once the window and in-progress topics were read up to their end offsets at start. */
    public boolean caughtUp() {
        return consumer.caughtUp();
    }

    /** Why alerting cannot evaluate any more (its window consumer died), or null while it can. */
    public String problem() {
        Throwable f = consumer.failure();
        return f == null
                ? null
                : "window topics consumer failed: " + f.getClass().getSimpleName();
    }

    public AlertingService alerting() {
        return alerting;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        alerting.close();
        consumer.stop();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        if (metrics != null) {
            metrics.close();
        }
        if (stateRejected != null) {
            registry.remove(stateRejected);
        }
    }
}
