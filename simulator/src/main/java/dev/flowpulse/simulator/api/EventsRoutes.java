package dev.flowpulse.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.events.EventFilter;
import dev.flowpulse.simulator.events.EventFilterParser;
import dev.flowpulse.simulator.events.EventStore;
import dev.flowpulse.simulator.events.StoredEvent;
import dev.flowpulse.simulator.wire.InvalidInput;
import dev.flowpulse.simulator.wire.PythonJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * {@code POST /api/events/filter} and {@code GET /api/events/filter/next} (reference §3.1):
 * at most 50 events a page, {@code total} of all matches, offset paging over {@code occurred}
 * with the filter frozen in a base64(base64(json)) page token, exactly as
 * {@code src/prefect/server/events/storage/__init__.py} builds it; a bad token is 403.
 *
 * <p>Thread safe.
 */
final class EventsRoutes {

    static final int PAGE_SIZE = 50;

    private final EventStore store;
    private final Clock clock;

    EventsRoutes(EventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    ApiResponse filter(ApiRequest request, String baseUrl) {
        ObjectNode body;
        try {
            body = JsonBodies.objectBody(request);
        } catch (JsonBodies.BadBody e) {
            return e.response;
        }
        InvalidInput problems = new InvalidInput();
        int limit = PAGE_SIZE;
        JsonNode limitNode = body.get("limit");
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.canConvertToInt() || !limitNode.isIntegralNumber()) {
                problems.add("int_parsing", List.of("body", "limit"), "Input should be a valid integer", limitNode);
            } else if (limitNode.intValue() > PAGE_SIZE) {
                problems.add(
                        "less_than_equal",
                        List.of("body", "limit"),
                        "Input should be less than or equal to 50",
                        limitNode);
            } else if (limitNode.intValue() < 0) {
                problems.add(
                        "greater_than_equal",
                        List.of("body", "limit"),
                        "Input should be greater than or equal to 0",
                        limitNode);
            } else {
                limit = limitNode.intValue();
            }
        }
        EventFilter filter = null;
        JsonNode filterNode = body.get("filter");
        if (filterNode == null || filterNode.isNull()) {
            filter = EventFilterParser.defaults(clock.instant());
        } else {
            try {
                filter = EventFilterParser.parse(filterNode, clock.instant());
            } catch (InvalidInput invalid) {
                invalid.problems().forEach(p -> problems.add(p.type(), prefixed(p.loc()), p.msg(), p.input()));
            }
        }
        if (!problems.problems().isEmpty()) {
            return JsonBodies.unprocessable(problems, List.of(), body);
        }
        List<StoredEvent> matches = matching(filter);
        return page(matches, filter, matches.size(), limit, 0, baseUrl);
    }

    ApiResponse next(ApiRequest request, String baseUrl) {
        String token = request.query().get("page-token");
        if (token == null) {
            InvalidInput missing =
                    new InvalidInput().add("missing", List.of("query", "page-token"), "Field required", null);
            return JsonBodies.unprocessable(missing, List.of(), null);
        }
        PageToken parsed = PageToken.decode(token, clock.instant());
        if (parsed == null) {
            return JsonBodies.detail(403, "Forbidden");
        }
        return page(
                matching(parsed.filter()),
                parsed.filter(),
                parsed.count(),
                parsed.pageSize(),
                parsed.offset(),
                baseUrl);
    }

    private List<StoredEvent> matching(EventFilter filter) {
        List<StoredEvent> matches = new ArrayList<>(store.query(filter::includesStored));
        if (filter.descending()) {
            Collections.reverse(matches);
        }
        return matches;
    }

    private static ApiResponse page(
            List<StoredEvent> matches, EventFilter filter, int total, int pageSize, int offset, String baseUrl) {
        StringBuilder json = new StringBuilder("{\"events\":[");
        int end = Math.min(matches.size(), offset + pageSize);
        for (int i = offset; i < end; i++) {
            if (i > offset) {
                json.append(',');
            }
            json.append(matches.get(i).json());
        }
        json.append("],\"total\":").append(total).append(",\"next_page\":");
        String token = PageToken.encode(filter, total, pageSize, offset);
        if (token == null) {
            json.append("null");
        } else {
            json.append('"')
                    .append(baseUrl)
                    .append("api/events/filter/next?page-token=")
                    .append(token)
                    .append('"');
        }
        return ApiResponse.json(200, json.append('}').toString());
    }

    private static List<Object> prefixed(List<Object> loc) {
        List<Object> full = new ArrayList<>(List.of("body", "filter"));
        full.addAll(loc);
        return full;
    }

    /** The page token: base64 of the inner token, itself base64 of Python-{@code json.dumps}'d parameters. */
    record PageToken(EventFilter filter, int count, int pageSize, int offset) {

        /** Prefect's {@code to_page_token} + {@code generate_next_page_link} encoding; null on the last page. */
        static String encode(EventFilter filter, int count, int pageSize, int currentOffset) {
            if (currentOffset + pageSize >= count) {
                return null;
            }
            ObjectNode parameters = JsonNodeFactory.instance.objectNode();
            parameters.set("filter", filter.toPrefectJson());
            parameters.put("count", count);
            parameters.put("page_size", pageSize);
            parameters.put("offset", currentOffset + pageSize);
            Base64.Encoder b64 = Base64.getEncoder();
            byte[] inner = b64.encode(PythonJson.dumps(parameters).getBytes(StandardCharsets.UTF_8));
            return b64.encodeToString(inner);
        }

        /** Null for anything that is not a token this server could have minted. */
        static PageToken decode(String token, java.time.Instant now) {
            try {
                Base64.Decoder b64 = Base64.getMimeDecoder();
                byte[] inner = b64.decode(token.replace(' ', '+'));
                if (inner.length == 0) {
                    return null;
                }
                JsonNode parameters = JsonBodies.MAPPER.readTree(b64.decode(inner));
                EventFilter filter = EventFilterParser.parse(parameters.get("filter"), now);
                JsonNode count = parameters.get("count");
                JsonNode pageSize = parameters.get("page_size");
                JsonNode offset = parameters.get("offset");
                if (count == null
                        || !count.canConvertToInt()
                        || pageSize == null
                        || !pageSize.canConvertToInt()
                        || offset == null
                        || !offset.canConvertToInt()
                        || offset.intValue() < 0
                        || pageSize.intValue() < 0) {
                    return null;
                }
                return new PageToken(filter, count.intValue(), pageSize.intValue(), offset.intValue());
            } catch (Exception e) {
                return null;
            }
        }
    }
}
