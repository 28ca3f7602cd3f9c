package dev.flowpulse.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.runs.FlowRunBook;
import dev.flowpulse.simulator.runs.FlowRunCriteria;
import dev.flowpulse.simulator.runs.FlowRunJson;
import dev.flowpulse.simulator.runs.FlowRunRecord;
import dev.flowpulse.simulator.runs.RunHistory;
import dev.flowpulse.simulator.wire.InvalidInput;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code POST /api/flow_runs/history}, {@code /flow_runs/filter}, {@code /flow_runs/count} and
 * {@code GET /api/flow_runs/{id}} over the run table derived from published events
 * (reference §3.2–3.4). Top-level keys FastAPI does not know are ignored, as FastAPI does (so a
 * misspelt {@code history_interval} leaves the required {@code history_interval_seconds} missing → 422);
 * filter objects reject unknown keys.
 *
 * <p>Thread safe.
 */
final class FlowRunsRoutes {

    static final int DEFAULT_LIMIT = 200;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Comparator<Instant> NULLS_LAST = Comparator.nullsLast(Comparator.naturalOrder());
    private static final Map<String, Comparator<FlowRunRecord>> SORTS = Map.of(
            "ID_DESC",
                    Comparator.comparing((FlowRunRecord r) -> r.facts().flowRunId())
                            .reversed(),
            "START_TIME_ASC", Comparator.comparing(FlowRunsRoutes::startOrExpected, NULLS_LAST),
            "START_TIME_DESC", Comparator.comparing(FlowRunsRoutes::startOrExpected, NULLS_LAST.reversed()),
            "EXPECTED_START_TIME_ASC", Comparator.comparing(FlowRunRecord::expectedStartTime, NULLS_LAST),
            "EXPECTED_START_TIME_DESC", Comparator.comparing(FlowRunRecord::expectedStartTime, NULLS_LAST.reversed()),
            "NEXT_SCHEDULED_START_TIME_ASC", Comparator.comparing(FlowRunRecord::expectedStartTime, NULLS_LAST),
            "END_TIME_DESC",
                    Comparator.comparing(
                            FlowRunRecord::endTime,
                            Comparator.nullsLast(
                                    Comparator.<Instant>naturalOrder().reversed())),
            "NAME_ASC", Comparator.comparing((FlowRunRecord r) -> r.facts().name()),
            "NAME_DESC",
                    Comparator.comparing((FlowRunRecord r) -> r.facts().name()).reversed());

    private final FlowRunBook book;
    private final Clock clock;

    FlowRunsRoutes(FlowRunBook book, Clock clock) {
        this.book = book;
        this.clock = clock;
    }

    ApiResponse history(ApiRequest request) {
        ObjectNode body;
        try {
            body = JsonBodies.objectBody(request);
        } catch (JsonBodies.BadBody e) {
            return e.response;
        }
        InvalidInput problems = new InvalidInput();
        Instant start = requiredDatetime(body, "history_start", problems);
        Instant end = requiredDatetime(body, "history_end", problems);
        Double interval = requiredSeconds(body, "history_interval_seconds", problems);
        Predicate<FlowRunRecord> criteria = FlowRunCriteria.parse(body, "work_queues", problems);
        if (!problems.problems().isEmpty()) {
            return JsonBodies.unprocessable(problems, List.of(), body);
        }
        if (interval < 1.0) {
            return JsonBodies.detail(422, "History interval must not be less than 1 second.");
        }
        Instant now = clock.instant();
        List<FlowRunRecord> runs = book.records().stream().filter(criteria).toList();
        ArrayNode response = JSON.arrayNode();
        for (RunHistory.Bucket b : RunHistory.buckets(runs, start, end, Math.round(interval * 1_000_000), now)) {
            ObjectNode bucket = response.addObject();
            bucket.put("interval_start", PrefectTime.format(b.intervalStart()));
            bucket.put("interval_end", PrefectTime.format(b.intervalEnd()));
            ArrayNode states = bucket.putArray("states");
            for (RunHistory.StateCount s : b.states()) {
                states.addObject()
                        .put("state_type", s.stateType())
                        .put("state_name", s.stateName())
                        .put("count_runs", s.countRuns())
                        .put("sum_estimated_run_time", PrefectTime.seconds(s.sumEstimatedRunTimeMicros()))
                        .put("sum_estimated_lateness", PrefectTime.seconds(s.sumEstimatedLatenessMicros()));
            }
        }
        return JsonBodies.ok(response);
    }

    ApiResponse filter(ApiRequest request) {
        ObjectNode body;
        try {
            body = JsonBodies.objectBody(request);
        } catch (JsonBodies.BadBody e) {
            return e.response;
        }
        InvalidInput problems = new InvalidInput();
        Comparator<FlowRunRecord> sort = SORTS.get("ID_DESC");
        JsonNode sortNode = body.get("sort");
        if (sortNode != null && !sortNode.isNull()) {
            sort = SORTS.get(sortNode.asText(""));
            if (sort == null || !sortNode.isTextual()) {
                problems.add(
                        "enum",
                        List.of("body", "sort"),
                        "Input should be one of " + String.join(", ", SORTS.keySet()),
                        sortNode);
            }
        }
        Integer limit = integer(body, "limit", problems);
        Integer offset = integer(body, "offset", problems);
        if (offset != null && offset < 0) {
            problems.add(
                    "greater_than_equal",
                    List.of("body", "offset"),
                    "Input should be greater than or equal to 0",
                    body.get("offset"));
        }
        Predicate<FlowRunRecord> criteria = FlowRunCriteria.parse(body, "work_pool_queues", problems);
        if (!problems.problems().isEmpty()) {
            return JsonBodies.unprocessable(problems, List.of(), body);
        }
        int effectiveLimit = limit == null ? DEFAULT_LIMIT : limit;
        if (effectiveLimit < 0) {
            return JsonBodies.detail(422, "Invalid limit: must be greater than or equal to 0.");
        }
        if (effectiveLimit > DEFAULT_LIMIT) {
            return JsonBodies.detail(422, "Invalid limit: must be less than or equal to " + DEFAULT_LIMIT + ".");
        }
        Instant now = clock.instant();
        ArrayNode response = JSON.arrayNode();
        book.records().stream()
                .filter(criteria)
                .sorted(sort)
                .skip(offset == null ? 0 : offset)
                .limit(effectiveLimit)
                .forEach(r -> response.add(FlowRunJson.flowRun(r, now)));
        return JsonBodies.ok(response);
    }

    ApiResponse count(ApiRequest request) {
        ObjectNode body;
        try {
            body = JsonBodies.objectBody(request);
        } catch (JsonBodies.BadBody e) {
            return e.response;
        }
        InvalidInput problems = new InvalidInput();
        Predicate<FlowRunRecord> criteria = FlowRunCriteria.parse(body, "work_pool_queues", problems);
        if (!problems.problems().isEmpty()) {
            return JsonBodies.unprocessable(problems, List.of(), body);
        }
        return ApiResponse.json(
                200, Long.toString(book.records().stream().filter(criteria).count()));
    }

    ApiResponse read(String id) {
        Instant now = clock.instant();
        return book.records().stream()
                .filter(r -> r.facts().flowRunId().equalsIgnoreCase(id))
                .findFirst()
                .map(r -> JsonBodies.ok(FlowRunJson.flowRun(r, now)))
                .orElseGet(() -> JsonBodies.detail(404, "Flow run not found"));
    }

    private static Instant startOrExpected(FlowRunRecord r) {
        return r.startTime() != null ? r.startTime() : r.expectedStartTime();
    }

    private static Instant requiredDatetime(JsonNode body, String key, InvalidInput problems) {
        JsonNode node = body.get(key);
        if (node == null) {
            problems.add("missing", List.of("body", key), "Field required", null);
            return null;
        }
        try {
            return PrefectTime.parse(node.textValue());
        } catch (IllegalArgumentException e) {
            problems.add("datetime_from_date_parsing", List.of("body", key), "Input should be a valid datetime", node);
            return null;
        }
    }

    private static Double requiredSeconds(JsonNode body, String key, InvalidInput problems) {
        JsonNode node = body.get(key);
        if (node == null) {
            problems.add("missing", List.of("body", key), "Field required", null);
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.textValue().trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        problems.add("float_parsing", List.of("body", key), "Input should be a valid number", node);
        return null;
    }

    private static Integer integer(JsonNode body, String key, InvalidInput problems) {
        JsonNode node = body.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        problems.add("int_parsing", List.of("body", key), "Input should be a valid integer", node);
        return null;
    }
}
