package dev.flowpulse.ingest.gap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.ingest.prefect.SubscriptionFilter;
import dev.flowpulse.ingest.publish.RawEvent;
import dev.flowpulse.ingest.rest.PrefectApiException;
import dev.flowpulse.ingest.rest.PrefectRestClient;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every stored flow-run event in a span from Prefect (reference §3.1):
 * {@code POST /events/filter} with {@code occurred.since/until}, the {@code prefect.flow-run.}
 * prefix without heartbeats and pull steps, {@code order: ASC} and {@code limit} 50 (the maximum),
 * then {@code GET /events/filter/next?page-token=…} while {@code next_page} is set. The next URL
 * is rebuilt on our own API base (the server builds it from its request's base URL, which is
 * wrong behind a path-prefixing or TLS-terminating proxy); only the token is taken from it.
 *
 * <p>Paging is offset-based over {@code occurred} without a tie-breaker, so events arriving
 * meanwhile shift pages: each event id is handed out once per {@link #read}. Spans reaching
 * further back than the query window (Prefect Cloud: 14 days) are clamped, and the part out of
 * reach is reported in the {@link Result}.
 *
 * <p>Stateless between calls; thread safe if the client is. Blocking.
 */
public final class EventsFilterPager {

    public static final int PAGE_SIZE = 50;
    /** Headroom so a window-sized query is not refused for the time the request takes. */
    static final Duration WINDOW_MARGIN = Duration.ofMinutes(5);

    static final int MAX_PAGES = 100_000;

    private static final Logger log = LoggerFactory.getLogger(EventsFilterPager.class);

    private final PrefectRestClient client;
    private final Duration queryWindow;
    private final Clock clock;

    /** What one read covered. */
    public record Result(Instant since, Instant until, int pages, int events, Duration unreachable) {}

    public EventsFilterPager(PrefectRestClient client, Duration queryWindow, Clock clock) {
        this.client = client;
        this.queryWindow = queryWindow;
        this.clock = clock;
    }

    /** Reads {@code [since, until]} (inclusive, as Prefect's filter) and hands each distinct event to {@code sink}, ascending. */
    public Result read(Instant since, Instant until, Consumer<ObjectNode> sink)
            throws PrefectApiException, InterruptedException {
        Instant oldest = clock.instant().minus(queryWindow).plus(WINDOW_MARGIN);
        Instant from = since.isBefore(oldest) ? oldest : since;
        Duration unreachable = since.isBefore(from) ? Duration.between(since, from) : Duration.ZERO;
        if (!unreachable.isZero()) {
            log.warn(
                    "Events from {} to {} are older than Prefect's {}-day query window: out of reach",
                    since,
                    from,
                    queryWindow.toDays());
        }
        if (until.isBefore(from)) {
            return new Result(from, until, 0, 0, unreachable);
        }
        Set<String> seen = new HashSet<>();
        JsonNode page = client.post(PrefectRestClient.EVENTS_FILTER, "/events/filter", request(from, until));
        int pages = 1;
        int handed = 0;
        while (true) {
            handed += handOut(page, seen, sink);
            Optional<String> token = pageToken(page.path("next_page").asText(null));
            if (token.isEmpty() || pages >= MAX_PAGES) {
                break;
            }
            page = client.get(PrefectRestClient.EVENTS_FILTER_NEXT, nextPath(token.get()));
            pages++;
        }
        return new Result(from, until, pages, handed, unreachable);
    }

    /**
     * What one {@link #readOnePage} got: {@code more} when the span holds further events after {@code last};
     * {@code total}, Prefect's count of every stored match in the span (-1 when the answer had none).
     */
    public record OnePage(int events, Instant last, boolean more, long total) {}

    /**
     * One request only: the first page (up to {@value #PAGE_SIZE} events, ascending) of {@code [since, until]}.
     * For the periodic re-read, which must stay within the request budget and continues from {@code last}.
     */
    public OnePage readOnePage(Instant since, Instant until, Consumer<ObjectNode> sink)
            throws PrefectApiException, InterruptedException {
        JsonNode page = client.post(PrefectRestClient.EVENTS_FILTER, "/events/filter", request(since, until));
        Instant[] last = {null};
        int handed = handOut(page, new HashSet<>(), event -> {
            sink.accept(event);
            last[0] = parseOccurred(event, last[0]);
        });
        JsonNode total = page.path("total");
        return new OnePage(
                handed,
                last[0],
                pageToken(page.path("next_page").asText(null)).isPresent(),
                total.canConvertToLong() ? total.longValue() : -1);
    }

    private static Instant parseOccurred(ObjectNode event, Instant fallback) {
        Instant occurred = RawEvent.occurredOrNull(event);
        return occurred == null ? fallback : occurred;
    }

    private static int handOut(JsonNode page, Set<String> seen, Consumer<ObjectNode> sink) {
        int handed = 0;
        JsonNode events = page.path("events");
        for (JsonNode event : events) {
            if (event instanceof ObjectNode object && seen.add(object.path("id").asText(""))) {
                sink.accept(object);
                handed++;
            }
        }
        return handed;
    }

    /** The {@code /events/filter} body: an EventFilter with only Prefect's own field names, and the page size. */
    public static ObjectNode request(Instant since, Instant until) {
        ObjectNode body = Json.prefect().createObjectNode();
        ObjectNode filter = body.putObject("filter");
        ObjectNode occurred = filter.putObject("occurred");
        occurred.put("since", timestamp(since));
        occurred.put("until", timestamp(until));
        ObjectNode event = filter.putObject("event");
        ArrayNode prefix = event.putArray("prefix");
        SubscriptionFilter.EVENT_PREFIXES.forEach(prefix::add);
        ArrayNode exclude = event.putArray("exclude_prefix");
        SubscriptionFilter.EXCLUDED_PREFIXES.forEach(exclude::add);
        filter.put("order", "ASC");
        body.put("limit", PAGE_SIZE);
        return body;
    }

    /** The raw {@code page-token} of a {@code next_page} URL, percent-escapes decoded; empty for null or no token. */
    static Optional<String> pageToken(String nextPage) {
        if (nextPage == null || nextPage.isBlank()) {
            return Optional.empty();
        }
        int q = nextPage.indexOf('?');
        if (q < 0) {
            return Optional.empty();
        }
        for (String parameter : nextPage.substring(q + 1).split("&")) {
            if (parameter.startsWith("page-token=")) {
                String raw = parameter.substring("page-token=".length());
                // Base64 may hold '+': keep it a plus (the server's link does not encode it).
                String token = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
                return token.isEmpty() ? Optional.empty() : Optional.of(token);
            }
        }
        return Optional.empty();
    }

    /** {@code /events/filter/next?page-token=<token>}, the token properly encoded, relative to our API base. */
    static String nextPath(String token) {
        return "/events/filter/next?page-token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).toString();
    }
}
