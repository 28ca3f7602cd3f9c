package dev.flowpulse.sink.alert;

import dev.flowpulse.runtime.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerting loop: every {@code evaluationInterval}, takes a {@link WindowView} snapshot, runs the
 * {@link AlertEvaluator} and hands the active set to the {@link AlertNotifier}. While the snapshot
 * supplier has none (the sink has not caught up with the window topics), nothing is evaluated, so
 * a half-built view can never resolve alerts; recorded alerts are still re-sent and retried.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} (idempotent) stops the loop and removes the
 * metrics. One daemon thread; a failing evaluation is logged and retried at the next interval.
 */
public final class AlertingService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertingService.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final AlertingConfig config;
    private final Supplier<Optional<WindowView>> views;
    private final AlertEvaluator evaluator;
    private final AlertMetrics metrics;
    private final AlertNotifier notifier;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flowpulse-sink-alerting");
        t.setDaemon(true);
        return t;
    });

    public AlertingService(
            AlertingConfig config,
            Supplier<Optional<WindowView>> views,
            AlertStateStore store,
            AlertPusher pusher,
            MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.views = Objects.requireNonNull(views, "views");
        this.evaluator = new AlertEvaluator(config.rules(), new PrefectUiLinks(config.prefectUiUrl()));
        this.metrics = new AlertMetrics(
                registry, config.alertmanagers(), config.rules().names());
        Duration initialBackoff =
                config.evaluationInterval().compareTo(MAX_BACKOFF) < 0 ? config.evaluationInterval() : MAX_BACKOFF;
        this.notifier = new AlertNotifier(
                config.alertmanagers(),
                pusher,
                store,
                config.resendInterval(),
                Backoff.of(initialBackoff, MAX_BACKOFF),
                metrics,
                Clock.systemUTC());
    }

    /** Production wiring: pushes over HTTP with {@code config.timeout()}. */
    public AlertingService(
            AlertingConfig config,
            Supplier<Optional<WindowView>> views,
            AlertStateStore store,
            MeterRegistry registry) {
        this(config, views, store, new AlertmanagerClient(config.timeout()), registry);
    }

    public void start() {
        if (config.alertmanagers().isEmpty()) {
            log.warn("FLOWPULSE_ALERTMANAGER_URLS is not set: alerts are evaluated and counted, but sent nowhere");
        }
        long every = config.evaluationInterval().toMillis();
        loop.scheduleWithFixedDelay(this::evaluateOnce, 0, every, TimeUnit.MILLISECONDS);
        log.info("Alerting started: {}", config);
    }

    /** One evaluation; public for tests that drive the loop themselves. */
    public void evaluateOnce() {
        try {
            Optional<WindowView> view = views.get();
            if (view.isPresent()) {
                notifier.update(evaluator.evaluate(view.get()));
            } else {
                notifier.flush();
            }
        } catch (RuntimeException e) {
            log.error("Alert evaluation failed; trying again in {}", config.evaluationInterval(), e);
        }
    }

    public AlertNotifier notifier() {
        return notifier;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }
}
