package dev.flowpulse.ingest.gap;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds events Prefect's live queue dropped although their {@code occurred} is already behind the
 * periodic re-read (late arrivals: an event's {@code occurred} is its emitter's time, and Prefect
 * streams live events in arrival order). Prefect's {@code /events/filter} can filter and order on
 * {@code occurred} only (no {@code received} filter, {@code ORDER BY occurred} without a
 * tie-breaker), but every answer carries {@code total}, the count of all stored matches. So once
 * per re-read interval one request asks for the trailing window
 * {@code [now − lateness, now − rereadLag]}: its first page is published where unseen (as a re-read
 * page), and its {@code total} is compared with the events of the window this process saw
 * ({@link SeenEvents}). Every seen event is a stored one, so a {@code total} above the seen count
 * proves a miss, and only then is the window read in full (deduplicated by event id). Steady state:
 * one request per interval, however busy the workspace and however wide the window.
 *
 * <p>A difference a full read could not explain (an event Prefect counts but does not return) is
 * remembered, so it costs one full read, not one per interval; a larger difference reads again.
 * The window starts no earlier than {@code from} (what this process can account for: its start, or
 * the seeded past of the raw topic), so the previous process's events are not read again, nor
 * before ids {@link SeenEvents} had to evict for capacity (a very busy workspace).
 *
 * <p>Runs on the recovery thread only; not thread safe.
 */
final class LateArrivalCheck {

    private static final Logger log = LoggerFactory.getLogger(LateArrivalCheck.class);

    private final GapFiller filler;
    private final SeenEvents seen;
    private final Duration lateness;
    private final Duration lag;
    private final Clock clock;
    private final Instant from;
    private long unexplained;
    private boolean warnedNoTotal;

    LateArrivalCheck(GapFiller filler, SeenEvents seen, Duration lateness, Duration lag, Clock clock, Instant from) {
        this.filler = filler;
        this.seen = seen;
        this.lateness = lateness;
        this.lag = lag;
        this.clock = clock;
        this.from = from;
    }

    private static Instant latest(Instant a, Instant b, Instant c) {
        Instant ab = a.isAfter(b) ? a : b;
        return ab.isAfter(c) ? ab : c;
    }

    boolean enabled() {
        return !lateness.isZero();
    }

    /** One check of the trailing window; a full read of it when Prefect holds events this process never saw. */
    void run() throws InterruptedException {
        Instant now = clock.instant();
        Instant oldest = now.minus(lateness);
        seen.forgetBefore(oldest.minus(lag));
        // Prefect compares at microseconds: count with the bounds it is sent.
        Instant since = latest(oldest, from, seen.completeFrom()).truncatedTo(ChronoUnit.MICROS);
        Instant until = now.minus(lag).truncatedTo(ChronoUnit.MICROS);
        if (!since.isBefore(until)) {
            return;
        }
        Optional<EventsFilterPager.OnePage> page = filler.firstPage(since, until, GapMetrics.LATE);
        if (page.isEmpty()) {
            return;
        }
        if (page.get().total() < 0) {
            if (!warnedNoTotal) {
                warnedNoTotal = true;
                log.warn("Prefect's /events/filter answer has no 'total': the late-arrival check cannot count");
            }
            return;
        }
        long total = page.get().total();
        long missing = total - seen.count(since, until);
        if (missing <= unexplained) {
            unexplained = Math.max(0, missing);
            return;
        }
        log.warn(
                "Prefect stores {} event(s) that occurred in {} → {}, {} of them never seen (late arrivals the live"
                        + " queue dropped?): reading the window in full",
                total,
                since,
                until,
                missing);
        if (filler.fill(since, until, GapMetrics.LATE)) {
            unexplained = Math.max(0, total - seen.count(since, until));
            if (unexplained > 0) {
                log.warn(
                        "Prefect counts {} event(s) in {} → {} that it did not return; not reading for them again",
                        unexplained,
                        since,
                        until);
            }
        }
    }
}
