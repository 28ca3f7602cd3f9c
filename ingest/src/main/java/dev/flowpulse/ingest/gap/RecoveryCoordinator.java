package dev.flowpulse.ingest.gap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.ingest.Daemons;
import dev.flowpulse.ingest.publish.RawEvent;
import dev.flowpulse.ingest.resume.ResumeTracker;
import dev.flowpulse.ingest.websocket.SubscriptionListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to recover through {@code /events/filter} and when, on one {@code ingest-recovery} thread.
 *
 * <ul>
 *   <li><b>Start and every reconnect.</b> A connection subscribes from the resume point; the
 *       server's backfill reaches back only its own window (15 min by default, may be much less).
 *       The first event it delivers marks where that backfill begins, so the span from the resume
 *       point to that event (or, when nothing arrives within {@code firstEventWait}, to the
 *       subscription time plus a margin) is read from {@code /events/filter}, alongside the live
 *       stream. Until that fill succeeded, the resume point is held at the span's start.
 *   <li><b>Periodic re-read.</b> Every {@code rereadInterval}, one page (one request) of the
 *       recent past, continuing where the last one ended, finds events the server's 256-event
 *       queue dropped.
 *   <li><b>Repair.</b> A {@code follows} naming an unseen event (see {@link FollowsWatcher})
 *       replaces the next re-read by a full read of the five minutes before that event.
 *   <li><b>Late arrivals.</b> After each re-read (or repair), once no gap fill is pending, one
 *       {@link LateArrivalCheck} of the trailing {@code lateness} window: Prefect's count of its
 *       events against the ones seen, a full read only when they differ.
 * </ul>
 *
 * <p>Lifecycle: {@link #start()}, {@link #close()}. Thread safe: listener calls only record
 * state and schedule work.
 */
public final class RecoveryCoordinator implements SubscriptionListener, AutoCloseable {

    static final String GAP_HOLD = "gap";
    static final String REPAIR_HOLD = "repair";
    /** When no event arrives after subscribing, the fill reaches this far past the subscription (clock skew). */
    static final Duration UNTIL_MARGIN = Duration.ofMinutes(1);

    static final Duration RETRY_MIN = Duration.ofSeconds(5);
    static final Duration RETRY_MAX = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(RecoveryCoordinator.class);

    private final GapFiller filler;
    private final FollowsWatcher watcher;
    private final SeenEvents seen;
    private final LateArrivalCheck lateCheck;
    private final ResumeTracker tracker;
    private final GapMetrics metrics;
    private final RecoverySettings settings;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    // Guarded by this.
    private Instant fillFrom;
    private long generation;
    private long fillingGeneration = -1;
    private Instant firstEvent;
    private Instant subscribedAt;
    private boolean everFilled;
    private Duration retryDelay = RETRY_MIN;
    private Instant rereadFrom;
    private Instant repairFrom;

    /**
     * @param since    where this process subscribes from (the re-read starts there)
     * @param seen     the events seen, shared with {@code filler}
     * @param seenFrom the oldest {@code occurred} whose events {@code seen} accounts for (the late-arrival check's limit)
     */
    public RecoveryCoordinator(
            GapFiller filler,
            FollowsWatcher watcher,
            ResumeTracker tracker,
            GapMetrics metrics,
            RecoverySettings settings,
            Clock clock,
            Instant since,
            SeenEvents seen,
            Instant seenFrom) {
        this.filler = filler;
        this.watcher = watcher;
        this.seen = seen;
        this.lateCheck = new LateArrivalCheck(filler, seen, settings.lateness(), settings.rereadLag(), clock, seenFrom);
        this.tracker = tracker;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.executor = Daemons.scheduler("ingest-recovery");
        // The re-read walks from where ingest started, one page per interval, skipping ahead past rereadMaxLag.
        this.rereadFrom = since;
    }

    public void start() {
        Duration interval = settings.rereadInterval();
        if (!interval.isZero()) {
            executor.scheduleWithFixedDelay(
                    () -> guarded(this::tick), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void connecting(Instant since) {
        fillFrom = fillFrom == null || since.isBefore(fillFrom) ? since : fillFrom;
        tracker.hold(GAP_HOLD, fillFrom);
        generation++;
        firstEvent = null;
        subscribedAt = null;
    }

    /**
     * The resume point became known late (Kafka was unreachable at start): recover from
     * {@code since} too, on the current connection's fill.
     */
    public synchronized void recoverFrom(Instant since) {
        fillFrom = fillFrom == null || since.isBefore(fillFrom) ? since : fillFrom;
        tracker.hold(GAP_HOLD, fillFrom);
        fillingGeneration = -1;
        if (subscribedAt != null) {
            long gen = generation;
            submit(() -> fill(gen), Duration.ZERO);
        }
    }

    @Override
    public synchronized void subscribed(Instant since, Instant at) {
        subscribedAt = at;
        long gen = generation;
        if (firstEvent != null) {
            submit(() -> fill(gen), Duration.ZERO);
        } else {
            submit(() -> fill(gen), settings.firstEventWait());
        }
    }

    @Override
    public void delivered(ObjectNode event) {
        Optional<Instant> suspicious = watcher.delivered(event);
        Instant occurred = RawEvent.occurredOrNull(event);
        String id = event.path("id").asText("");
        if (occurred != null && !id.isEmpty()) {
            seen.seen(id, occurred);
        }
        synchronized (this) {
            if (suspicious.isPresent()) {
                metrics.suspectedDrop();
                repairFrom =
                        repairFrom == null || suspicious.get().isBefore(repairFrom) ? suspicious.get() : repairFrom;
                tracker.hold(REPAIR_HOLD, repairFrom);
            }
            if (firstEvent == null && occurred != null) {
                firstEvent = occurred;
                if (subscribedAt != null) {
                    long gen = generation;
                    submit(() -> fill(gen), Duration.ZERO);
                }
            }
        }
    }

    private void fill(long gen) throws InterruptedException {
        Instant from;
        Instant until;
        String reason;
        synchronized (this) {
            if (gen != generation || fillingGeneration == gen || fillFrom == null || subscribedAt == null) {
                return;
            }
            fillingGeneration = gen;
            from = fillFrom;
            until = firstEvent != null ? firstEvent : subscribedAt.plus(UNTIL_MARGIN);
            reason = everFilled ? GapMetrics.RECONNECT : GapMetrics.START;
        }
        boolean ok = filler.fill(from, until, reason);
        synchronized (this) {
            if (ok) {
                everFilled = true;
                retryDelay = RETRY_MIN;
                if (gen == generation) {
                    fillFrom = null;
                    tracker.release(GAP_HOLD);
                }
            } else {
                fillingGeneration = -1;
                Duration wait = retryDelay;
                retryDelay =
                        retryDelay.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retryDelay.multipliedBy(2);
                log.warn("Gap {} → {} not recovered yet; retrying in {} s", from, until, wait.toSeconds());
                submit(() -> fill(gen), wait);
            }
        }
    }

    private void tick() throws InterruptedException {
        rereadOrRepair();
        boolean filling;
        synchronized (this) {
            filling = fillFrom != null;
        }
        // While a start or reconnect fill is pending, the window is not accounted for yet.
        if (lateCheck.enabled() && !filling) {
            lateCheck.run();
        }
    }

    private void rereadOrRepair() throws InterruptedException {
        Instant now = clock.instant();
        Instant until = now.minus(settings.rereadLag());
        Instant repair;
        synchronized (this) {
            repair = repairFrom;
            repairFrom = null;
        }
        if (repair != null) {
            boolean ok = filler.fill(repair, until, GapMetrics.REPAIR);
            synchronized (this) {
                if (ok && repairFrom == null) {
                    tracker.release(REPAIR_HOLD);
                } else if (!ok) {
                    repairFrom = repairFrom == null || repair.isBefore(repairFrom) ? repair : repairFrom;
                }
            }
            return;
        }
        Instant from = rereadFrom;
        Instant oldest = now.minus(settings.rereadMaxLag());
        if (from.isBefore(oldest)) {
            log.warn(
                    "The re-read fell {} s behind (busy workspace); skipping ahead to {}",
                    Duration.between(from, oldest).toSeconds(),
                    oldest);
            from = oldest;
        }
        if (!from.isBefore(until)) {
            return;
        }
        Optional<EventsFilterPager.OnePage> page = filler.firstPage(from, until, GapMetrics.REREAD);
        if (page.isPresent()) {
            EventsFilterPager.OnePage p = page.get();
            if (!p.more() || p.last() == null) {
                rereadFrom = until;
            } else {
                // Continue at the last event's time (inclusive: equal timestamps may straddle pages).
                rereadFrom = p.last().isAfter(from) ? p.last() : from.plusNanos(1000);
            }
        }
    }

    private void submit(Task task, Duration delay) {
        try {
            executor.schedule(() -> guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void guarded(Task task) {
        try {
            task.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Recovery task failed unexpectedly", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Task {
        void run() throws InterruptedException;
    }
}
