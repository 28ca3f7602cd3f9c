package dev.flowpulse.ingest.resume;

import dev.flowpulse.ingest.publish.PublishObserver;
import dev.flowpulse.ingest.publish.RawEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Derives the {@link ResumePoint} from send outcomes: the newest acknowledged {@code occurred},
 * held back below any event still in flight or whose send failed (it will be re-sent from a
 * replay), and below any <em>hold</em>: the start of a span not yet recovered (a gap being filled
 * through {@code /events/filter}). So a point written to Kafka never lies beyond an event that
 * is not on the raw topic yet, whatever crashes next.
 *
 * <p>Thread safe (synchronized): fed by the frame thread, the recovery thread and the producer's
 * I/O thread.
 */
public final class ResumeTracker implements PublishObserver {

    private final TreeMap<Instant, Integer> pendingByOccurred = new TreeMap<>();
    private final Map<String, Instant> pendingById = new HashMap<>();
    private final Map<String, Instant> holds = new HashMap<>();
    private Instant maxAcked;
    private final Set<String> idsAtMaxAcked = new HashSet<>();

    public ResumeTracker(ResumePoint start) {
        this.maxAcked = start.occurred();
        this.idsAtMaxAcked.addAll(start.eventIdsAtOccurred());
    }

    @Override
    public synchronized void sent(RawEvent event) {
        if (pendingById.putIfAbsent(event.id(), event.occurred()) == null) {
            pendingByOccurred.merge(event.occurred(), 1, Integer::sum);
        }
    }

    @Override
    public synchronized void acknowledged(RawEvent event) {
        settle(event.id());
        Instant occurred = event.occurred();
        if (occurred.isAfter(maxAcked)) {
            maxAcked = occurred;
            idsAtMaxAcked.clear();
            idsAtMaxAcked.add(event.id());
        } else if (occurred.equals(maxAcked)) {
            idsAtMaxAcked.add(event.id());
        }
    }

    @Override
    public synchronized void failed(RawEvent event, boolean permanent) {
        if (permanent) {
            settle(event.id()); // dead-lettered: handled, it must not hold the point back forever
        }
        // otherwise it stays pending until a replay re-sends it and Kafka acknowledges that
    }

    /** Keeps the point at or below {@code from} until {@link #release}d (replaces an older hold with the same name). */
    public synchronized void hold(String name, Instant from) {
        holds.put(name, from);
    }

    public synchronized void release(String name) {
        holds.remove(name);
    }

    /** The point safe to store now. */
    public synchronized ResumePoint point() {
        Instant bound = null;
        if (!pendingByOccurred.isEmpty()) {
            bound = pendingByOccurred.firstKey();
        }
        for (Instant hold : holds.values()) {
            if (bound == null || hold.isBefore(bound)) {
                bound = hold;
            }
        }
        if (bound == null || bound.isAfter(maxAcked)) {
            return new ResumePoint(maxAcked, List.copyOf(idsAtMaxAcked));
        }
        // Everything strictly before the bound is known acknowledged (or never seen).
        return new ResumePoint(bound.minusNanos(1000), List.of());
    }

    /** Events handed to Kafka and not acknowledged yet (in flight or failed). */
    public synchronized int pending() {
        return pendingById.size();
    }

    private void settle(String id) {
        Instant occurred = pendingById.remove(id);
        if (occurred != null) {
            pendingByOccurred.computeIfPresent(occurred, (k, n) -> n == 1 ? null : n - 1);
        }
    }
}
