package dev.flowpulse.simulator.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.simulator.wire.InvalidInput;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The flow-run filter bodies of {@code /flow_runs/history} and {@code /flow_runs/filter}
 * ({@code src/prefect/server/schemas/filters.py}): {@code flows}, {@code flow_runs},
 * {@code deployments}, {@code work_pools}, the queue filter and {@code task_runs}. Every known key is
 * accepted and unknown keys are rejected (Prefect's {@code extra="forbid"}); the keys a flow run
 * derived from events can answer are applied, and the rest are reported as 422 instead of being
 * silently ignored. Bounds are inclusive; {@code start_time} uses COALESCE(start_time, expected_start_time).
 *
 * <p>Stateless and thread safe.
 */
public final class FlowRunCriteria {

    private interface Field {
        Predicate<FlowRunRecord> parse(JsonNode value, List<Object> loc, InvalidInput problems);
    }

    private FlowRunCriteria() {}

    /**
     * Parses the filter sections present in {@code body}.
     *
     * @param queueKey {@code work_queues} (history) or {@code work_pool_queues} (filter, count)
     */
    public static Predicate<FlowRunRecord> parse(JsonNode body, String queueKey, InvalidInput problems) {
        List<Predicate<FlowRunRecord>> all = new ArrayList<>();
        addSection(all, body, "flows", flows(), problems);
        addSection(all, body, "flow_runs", flowRuns(), problems);
        addSection(all, body, "deployments", deployments(), problems);
        addSection(all, body, "work_pools", workPools(), problems);
        addSection(all, body, queueKey, workQueues(), problems);
        JsonNode taskRuns = body.get("task_runs");
        if (taskRuns != null && !taskRuns.isNull()) {
            if (!taskRuns.isObject()) {
                problems.add(
                        "model_type", List.of("body", "task_runs"), "Input should be a valid dictionary", taskRuns);
            } else if (taskRuns.size() > 0) {
                all.add(r -> false); // runs known from events have no task runs to match
            }
        }
        return r -> all.stream().allMatch(p -> p.test(r));
    }

    private static void addSection(
            List<Predicate<FlowRunRecord>> all,
            JsonNode body,
            String key,
            Map<String, Field> fields,
            InvalidInput problems) {
        JsonNode node = body.get(key);
        if (node == null || node.isNull()) {
            return;
        }
        Predicate<FlowRunRecord> p = object(node, List.of("body", key), fields, true, problems);
        if (p != null) {
            all.add(p);
        }
    }

    private static Map<String, Field> flows() {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put("id", nested(Map.of("any_", anyOf(r -> r.facts().flowId(), true))));
        f.put(
                "name",
                nested(Map.of(
                        "any_",
                        anyOf(r -> r.facts().flowName(), false),
                        "like_",
                        like(r -> r.facts().flowName()))));
        f.put("tags", unsupported());
        f.put("deployment", unsupported());
        return f;
    }

    private static Map<String, Field> flowRuns() {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put(
                "id",
                nested(Map.of(
                        "any_",
                        anyOf(r -> r.facts().flowRunId(), true),
                        "not_any_",
                        notAnyOf(r -> r.facts().flowRunId(), true))));
        f.put(
                "name",
                nested(Map.of(
                        "any_",
                        anyOf(r -> r.facts().name(), false),
                        "like_",
                        like(r -> r.facts().name()))));
        f.put("tags", tags());
        f.put(
                "deployment_id",
                nested(Map.of(
                        "operator",
                        operatorKey(),
                        "any_",
                        anyOf(r -> r.facts().deploymentId(), true),
                        "is_null_",
                        isNull(r -> r.facts().deploymentId()))));
        f.put(
                "work_queue_name",
                nested(Map.of(
                        "operator",
                        operatorKey(),
                        "any_",
                        anyOf(r -> r.facts().workQueueName(), false),
                        "is_null_",
                        isNull(r -> r.facts().workQueueName()))));
        Map<String, Field> state = new LinkedHashMap<>();
        state.put("operator", operatorKey());
        state.put(
                "type",
                nested(Map.of(
                        "any_",
                        anyOf(r -> r.state().type(), false),
                        "not_any_",
                        notAnyOf(r -> r.state().type(), false))));
        state.put(
                "name",
                nested(Map.of(
                        "any_",
                        anyOf(r -> r.state().name(), false),
                        "not_any_",
                        notAnyOf(r -> r.state().name(), false))));
        f.put("state", (v, loc, p) -> object(v, loc, state, true, p));
        f.put("flow_version", unsupported());
        f.put("start_time", times(FlowRunCriteria::startOrExpected, true));
        f.put("end_time", times(FlowRunRecord::endTime, true));
        f.put("expected_start_time", times(FlowRunRecord::expectedStartTime, false));
        f.put("next_scheduled_start_time", unsupported());
        f.put("parent_flow_run_id", unsupported());
        f.put("parent_task_run_id", unsupported());
        f.put("idempotency_key", unsupported());
        f.put("created_by", unsupported());
        return f;
    }

    private static Map<String, Field> deployments() {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put("id", nested(Map.of("any_", anyOf(r -> r.facts().deploymentId(), true))));
        f.put(
                "name",
                nested(Map.of(
                        "any_",
                        anyOf(r -> r.facts().deploymentName(), false),
                        "like_",
                        like(r -> r.facts().deploymentName()))));
        f.put("flow_or_deployment_name", unsupported());
        f.put("paused", unsupported());
        f.put("tags", unsupported());
        f.put("work_queue_name", nested(Map.of("any_", anyOf(r -> r.facts().workQueueName(), false))));
        f.put("concurrency_limit", unsupported());
        return f;
    }

    private static Map<String, Field> workPools() {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put("id", nested(Map.of("any_", anyOf(r -> r.facts().workPoolId(), true))));
        f.put("name", nested(Map.of("any_", anyOf(r -> r.facts().workPoolName(), false))));
        f.put("type", unsupported());
        return f;
    }

    private static Map<String, Field> workQueues() {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put("id", nested(Map.of("any_", anyOf(r -> r.facts().workQueueId(), true))));
        f.put(
                "name",
                nested(Map.of(
                        "any_",
                        anyOf(r -> r.facts().workQueueName(), false),
                        "startswith_",
                        startsWith(r -> r.facts().workQueueName()))));
        return f;
    }

    private static Field tags() {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put("operator", operatorKey());
        f.put("all_", (v, loc, p) -> {
            List<String> values = strings(v, loc, p, false);
            return values == null ? null : r -> r.facts().tags().containsAll(values);
        });
        f.put("any_", (v, loc, p) -> {
            List<String> values = strings(v, loc, p, false);
            return values == null
                    ? null
                    : r -> values.stream().anyMatch(r.facts().tags()::contains);
        });
        f.put("is_null_", (v, loc, p) -> {
            Boolean b = bool(v, loc, p);
            return b == null ? null : r -> r.facts().tags().isEmpty() == b;
        });
        return nested(f);
    }

    private static Field times(Function<FlowRunRecord, Instant> getter, boolean nullable) {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put("before_", (v, loc, p) -> {
            Instant t = datetime(v, loc, p);
            return t == null
                    ? null
                    : r -> getter.apply(r) != null && !getter.apply(r).isAfter(t);
        });
        f.put("after_", (v, loc, p) -> {
            Instant t = datetime(v, loc, p);
            return t == null
                    ? null
                    : r -> getter.apply(r) != null && !getter.apply(r).isBefore(t);
        });
        if (nullable) {
            f.put("is_null_", isNull(getter));
        }
        return nested(f);
    }

    private static Instant startOrExpected(FlowRunRecord r) {
        return r.startTime() != null ? r.startTime() : r.expectedStartTime();
    }

    private static Field nested(Map<String, Field> fields) {
        boolean hasOperator = fields.containsKey("operator");
        return (v, loc, p) -> object(v, loc, fields, hasOperator, p);
    }

    /** Marker for the {@code operator} key: read by {@link #object}, not a predicate itself. */
    private static Field operatorKey() {
        return (v, loc, p) -> null;
    }

    private static Field unsupported() {
        return (v, loc, p) -> {
            if (v != null && !v.isNull()) {
                p.add("not_supported", loc, "The Prefect simulator does not implement this filter", v);
            }
            return null;
        };
    }

    private static Predicate<FlowRunRecord> object(
            JsonNode node,
            List<Object> loc,
            Map<String, Field> fields,
            boolean operatorAllowed,
            InvalidInput problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(
                    "model_type", loc, "Input should be a valid dictionary or object to extract fields from", node);
            return null;
        }
        boolean or = false;
        List<Predicate<FlowRunRecord>> parts = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Object> at = append(loc, e.getKey());
            if (e.getKey().equals("operator") && (operatorAllowed || fields.containsKey("operator"))) {
                String op = e.getValue().asText("");
                if (!op.equals("and_") && !op.equals("or_")) {
                    problems.add("enum", at, "Input should be 'and_' or 'or_'", e.getValue());
                }
                or = op.equals("or_");
                continue;
            }
            Field field = fields.get(e.getKey());
            if (field == null) {
                problems.add("extra_forbidden", at, "Extra inputs are not permitted", e.getValue());
                continue;
            }
            if (e.getValue().isNull()) {
                continue;
            }
            Predicate<FlowRunRecord> p = field.parse(e.getValue(), at, problems);
            if (p != null) {
                parts.add(p);
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        boolean any = or;
        return r ->
                any ? parts.stream().anyMatch(p -> p.test(r)) : parts.stream().allMatch(p -> p.test(r));
    }

    private static Field anyOf(Function<FlowRunRecord, String> getter, boolean uuid) {
        return (v, loc, p) -> {
            List<String> values = strings(v, loc, p, uuid);
            return values == null ? null : r -> values.contains(getter.apply(r));
        };
    }

    private static Field notAnyOf(Function<FlowRunRecord, String> getter, boolean uuid) {
        return (v, loc, p) -> {
            List<String> values = strings(v, loc, p, uuid);
            return values == null ? null : r -> !values.contains(getter.apply(r));
        };
    }

    private static Field like(Function<FlowRunRecord, String> getter) {
        return (v, loc, p) -> {
            if (!v.isTextual()) {
                p.add("string_type", loc, "Input should be a valid string", v);
                return null;
            }
            String needle = v.textValue().toLowerCase(Locale.ROOT);
            return r -> getter.apply(r) != null
                    && getter.apply(r).toLowerCase(Locale.ROOT).contains(needle);
        };
    }

    private static Field startsWith(Function<FlowRunRecord, String> getter) {
        return (v, loc, p) -> {
            List<String> values = strings(v, loc, p, false);
            return values == null
                    ? null
                    : r -> getter.apply(r) != null
                            && values.stream()
                                    .anyMatch(s -> getter.apply(r)
                                            .toLowerCase(Locale.ROOT)
                                            .startsWith(s.toLowerCase(Locale.ROOT)));
        };
    }

    private static Field isNull(Function<FlowRunRecord, ?> getter) {
        return (v, loc, p) -> {
            Boolean b = bool(v, loc, p);
            return b == null ? null : r -> (getter.apply(r) == null) == b;
        };
    }

    private static List<String> strings(JsonNode v, List<Object> loc, InvalidInput p, boolean uuid) {
        if (!v.isArray()) {
            p.add("list_type", loc, "Input should be a valid list", v);
            return null;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual()) {
                p.add("string_type", append(loc, i), "Input should be a valid string", item);
                continue;
            }
            if (uuid) {
                try {
                    values.add(java.util.UUID.fromString(item.textValue()).toString());
                } catch (IllegalArgumentException e) {
                    p.add("uuid_parsing", append(loc, i), "Input should be a valid UUID", item);
                }
            } else {
                values.add(item.textValue());
            }
        }
        return values;
    }

    private static Boolean bool(JsonNode v, List<Object> loc, InvalidInput p) {
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        p.add("bool_parsing", loc, "Input should be a valid boolean", v);
        return null;
    }

    private static Instant datetime(JsonNode v, List<Object> loc, InvalidInput p) {
        try {
            return PrefectTime.parse(Objects.requireNonNull(v.textValue()));
        } catch (RuntimeException e) {
            p.add("datetime_from_date_parsing", loc, "Input should be a valid datetime", v);
            return null;
        }
    }

    private static List<Object> append(List<Object> loc, Object part) {
        List<Object> copy = new ArrayList<>(loc);
        copy.add(part);
        return copy;
    }
}
