package dev.flowpulse.ingest.gap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEventParser;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Spots events Prefect dropped on the way to us (its 256-event subscriber queue drops silently):
 * a state-change event's {@code follows} names the previous state's event, set by the server
 * only when the two are within 5 minutes (reference §1.3). An event whose {@code follows} was
 * never seen — on the websocket or through {@code /events/filter} — points at a hole, unless the
 * predecessor lies before what this process could have seen. Events may arrive out of order, so a
 * suspicion is only a reason to re-read, never a loss by itself.
 *
 * <p>Bounded: the ids of the last {@code capacity} events. Thread safe (synchronized).
 */
public final class FollowsWatcher {

    /** Prefect sets {@code follows} only when the previous state is at most this far back. */
    public static final Duration FOLLOWS_HORIZON = Duration.ofMinutes(5);

    private final int capacity;
    private final Instant watchingSince;
    private final LinkedHashMap<String, Boolean> seen;

    public FollowsWatcher(int capacity, Instant watchingSince) {
        this.capacity = capacity;
        this.watchingSince = watchingSince;
        this.seen = new LinkedHashMap<>(1024) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > FollowsWatcher.this.capacity;
            }
        };
    }

    /** Remembers an event seen through {@code /events/filter}. */
    public synchronized void seen(String id) {
        seen.put(id, Boolean.TRUE);
    }

    /**
     * Remembers a websocket event; returns the start of the span to re-read when its predecessor
     * was never seen ({@code occurred − 5 min}), else empty.
     */
    public synchronized Optional<Instant> delivered(ObjectNode event) {
        String id = text(event.get("id"));
        if (id != null) {
            seen.put(id, Boolean.TRUE);
        }
        String follows = text(event.get("follows"));
        if (follows == null || seen.containsKey(follows)) {
            return Optional.empty();
        }
        Instant occurred;
        try {
            occurred = FlowRunEventParser.parseTime(text(event.get("occurred")));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        if (occurred == null) {
            return Optional.empty();
        }
        Instant from = occurred.minus(FOLLOWS_HORIZON);
        // A predecessor before what this process watched is not evidence of a drop.
        return from.isBefore(watchingSince) ? Optional.empty() : Optional.of(from);
    }

    private static String text(JsonNode node) {
        return node == null || !node.isTextual() || node.textValue().isBlank() ? null : node.textValue();
    }
}
