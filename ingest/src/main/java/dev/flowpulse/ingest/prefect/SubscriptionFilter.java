package dev.flowpulse.ingest.prefect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The {@code filter} message ingest sends after authenticating (reference §2, EventFilter).
 *
 * <p>Only field names of Prefect's {@code EventFilter} appear: every filter model forbids extras
 * and the server closes the socket on an invalid filter. {@code occurred.until} lies a year ahead
 * because the server applies it to live events too (the Python client does the same); a default
 * {@code until} of "now" would drop every future event. Heartbeats and pull steps share the
 * {@code prefect.flow-run.} prefix but are not state changes, so the server is asked to leave them
 * out. Stateless.
 */
public final class SubscriptionFilter {

    public static final List<String> EVENT_PREFIXES = List.of("prefect.flow-run.");
    public static final List<String> EXCLUDED_PREFIXES =
            List.of("prefect.flow-run.heartbeat", "prefect.flow-run.pull-step");
    public static final Duration UNTIL_AHEAD = Duration.ofDays(365);

    private SubscriptionFilter() {}

    /** The EventFilter: {@code occurred}, {@code event}, {@code order} and nothing else. */
    public static ObjectNode filter(Instant since, Instant now) {
        ObjectNode filter = Json.prefect().createObjectNode();
        ObjectNode occurred = filter.putObject("occurred");
        occurred.put("since", timestamp(since));
        occurred.put("until", timestamp(now.plus(UNTIL_AHEAD)));
        ObjectNode event = filter.putObject("event");
        strings(event.putArray("prefix"), EVENT_PREFIXES);
        strings(event.putArray("exclude_prefix"), EXCLUDED_PREFIXES);
        filter.put("order", "ASC");
        return filter;
    }

    /** {@code {"type":"filter","filter":{...},"backfill":<bool>}} as the text frame to send. */
    public static String message(Instant since, Instant now, boolean backfill) {
        ObjectNode message = Json.prefect().createObjectNode();
        message.put("type", "filter");
        message.set("filter", filter(since, now));
        message.put("backfill", backfill);
        return message.toString();
    }

    /** ISO-8601 in UTC with {@code Z}, at most microseconds: what Prefect's datetimes carry. */
    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).toString();
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
