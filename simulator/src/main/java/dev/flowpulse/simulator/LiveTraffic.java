package dev.flowpulse.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background flow-run traffic for the local run: starts runs at {@code runsPerSecond} in real time
 * with short (1–30 s) lifecycles and mixed outcomes, publishing each state-change event when its
 * {@code occurred} time comes. On start it first publishes a few minutes of already finished history
 * (inside the websocket backfill window) so a fresh subscriber sees data at once.
 *
 * <p>Lifecycle: started by {@link PrefectSimulator#startLiveTraffic}; {@link #close()} stops it
 * (idempotent). Runs on one daemon scheduler thread; thread safe.
 */
public final class LiveTraffic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveTraffic.class);
    static final Duration HISTORY = Duration.ofMinutes(3);
    private static final int MAX_HISTORY_RUNS = 300;

    private final PrefectSimulator simulator;
    private final Clock clock;
    private final Random rnd;
    private final double runsPerSecond;
    private final RunPlanner planner = new RunPlanner(Catalogue.standard(), RunPlanner.Pace.compressed());
    private final ScheduledExecutorService scheduler;
    private final AtomicLong eventsPublished = new AtomicLong();

    LiveTraffic(PrefectSimulator simulator, Clock clock, long seed, double runsPerSecond) {
        if (!(runsPerSecond > 0)) {
            throw new IllegalArgumentException("runsPerSecond must be > 0");
        }
        this.simulator = simulator;
        this.clock = clock;
        this.rnd = new Random(seed);
        this.runsPerSecond = runsPerSecond;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "prefect-sim-live-traffic");
            t.setDaemon(true);
            return t;
        });
    }

    LiveTraffic start() {
        scheduler.execute(this::publishHistory);
        long periodMicros = Math.max(1_000, (long) (1_000_000 / runsPerSecond));
        scheduler.scheduleAtFixedRate(this::startRun, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        LOG.info("Live traffic started: {} runs/s", runsPerSecond);
        return this;
    }

    /** Events published so far. */
    public long eventsPublished() {
        return eventsPublished.get();
    }

    private void publishHistory() {
        Instant now = PrefectTime.micros(clock.instant());
        int count = (int) Math.min(MAX_HISTORY_RUNS, Math.ceil(HISTORY.toSeconds() * runsPerSecond));
        long spacingMicros = HISTORY.toNanos() / 1000 / Math.max(1, count);
        List<ObjectNode> past = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant runStart = now.minus(HISTORY).plusNanos(spacingMicros * i * 1000);
            RunPlan plan = planner.plan(rnd, runStart, planner.randomShape(rnd), null);
            for (ObjectNode event : Scenario.eventsOf(plan)) {
                if (occurred(event).isAfter(now)) {
                    schedule(event, now);
                } else {
                    past.add(event);
                }
            }
        }
        past.sort(Comparator.comparing(LiveTraffic::occurred));
        past.forEach(this::publish);
    }

    private void startRun() {
        try {
            Instant now = PrefectTime.micros(clock.instant());
            RunPlan plan = planner.plan(rnd, now, planner.randomShape(rnd), null);
            for (ObjectNode event : Scenario.eventsOf(plan)) {
                schedule(event, now);
            }
        } catch (RuntimeException e) {
            LOG.warn("Live traffic could not start a run: {}", e.toString());
        }
    }

    private void schedule(ObjectNode event, Instant now) {
        long delayMicros = Math.max(0, PrefectTime.microsBetween(now, occurred(event)));
        scheduler.schedule(() -> publish(event), delayMicros, TimeUnit.MICROSECONDS);
    }

    private void publish(ObjectNode event) {
        try {
            simulator.publish(event);
            eventsPublished.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.warn("Live traffic could not publish an event: {}", e.toString());
        }
    }

    private static Instant occurred(ObjectNode event) {
        return PrefectTime.parse(event.get("occurred").textValue());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
