package dev.flowpulse.simulator.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.simulator.wire.InvalidInput;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Parses an EventFilter as strictly as Prefect's pydantic models do: every sub-object forbids
 * unknown keys ({@code extra="forbid"}), types are checked, and every problem is reported at once.
 * Defaults follow {@code src/prefect/server/events/filters.py}: {@code occurred.since} = start of
 * today − 180 days, {@code occurred.until} = now, {@code order} = DESC.
 *
 * <p>Stateless and thread safe.
 */
public final class EventFilterParser {

    private static final Set<String> TOP =
            Set.of("occurred", "event", "resource", "related", "any_resource", "id", "text", "order");
    private static final Set<String> OCCURRED = Set.of("since", "until");
    private static final Set<String> EVENT = Set.of("prefix", "exclude_prefix", "name", "exclude_name");
    private static final Set<String> RESOURCE = Set.of("id", "id_prefix", "labels", "distinct");
    private static final Set<String> RELATED = Set.of("id", "role", "resources_in_roles", "labels");
    private static final Set<String> ANY_RESOURCE = Set.of("id", "id_prefix", "labels");
    private static final Set<String> ID = Set.of("id");
    private static final Set<String> TEXT = Set.of("query");
    private static final int MAX_QUERY_LENGTH = 200;

    private EventFilterParser() {}

    /** The filter Prefect uses when a request sends none ({@code filter or EventFilter()}). */
    public static EventFilter defaults(Instant now) {
        return new EventFilter(defaultSince(now), now, null, null, null, false, null, false, null, null, true);
    }

    /**
     * @param now the server clock, for the {@code occurred} defaults
     * @throws InvalidInput listing every problem, with locations relative to the filter
     */
    public static EventFilter parse(JsonNode node, Instant now) throws InvalidInput {
        InvalidInput problems = new InvalidInput();
        if (!object(node, List.of(), problems)) {
            problems.throwIfAny();
        }
        forbidExtras(node, TOP, List.of(), problems);

        Instant since = defaultSince(now);
        Instant until = now;
        JsonNode occurred = node.get("occurred");
        if (occurred != null && object(occurred, List.of("occurred"), problems)) {
            forbidExtras(occurred, OCCURRED, List.of("occurred"), problems);
            since = datetime(occurred.get("since"), List.of("occurred", "since"), problems, since);
            until = datetime(occurred.get("until"), List.of("occurred", "until"), problems, until);
        }

        EventFilter.NameCriteria event = null;
        JsonNode eventNode = node.get("event");
        if (optionalObject(eventNode, List.of("event"), problems)) {
            forbidExtras(eventNode, EVENT, List.of("event"), problems);
            event = new EventFilter.NameCriteria(
                    strings(eventNode, "prefix", List.of("event"), problems),
                    strings(eventNode, "exclude_prefix", List.of("event"), problems),
                    strings(eventNode, "name", List.of("event"), problems),
                    strings(eventNode, "exclude_name", List.of("event"), problems));
        }

        EventFilter.ResourceCriteria resource = null;
        JsonNode resourceNode = node.get("resource");
        if (optionalObject(resourceNode, List.of("resource"), problems)) {
            forbidExtras(resourceNode, RESOURCE, List.of("resource"), problems);
            resource = new EventFilter.ResourceCriteria(
                    strings(resourceNode, "id", List.of("resource"), problems),
                    strings(resourceNode, "id_prefix", List.of("resource"), problems),
                    labels(resourceNode.get("labels"), List.of("resource", "labels"), problems),
                    bool(resourceNode.get("distinct"), List.of("resource", "distinct"), problems));
        }

        List<EventFilter.RelatedCriteria> related = null;
        JsonNode relatedNode = node.get("related");
        boolean relatedAsList = relatedNode != null && relatedNode.isArray();
        if (relatedNode != null && !relatedNode.isNull()) {
            related = new ArrayList<>();
            List<JsonNode> items = oneOrMany(relatedNode);
            for (int i = 0; i < items.size(); i++) {
                List<Object> loc = relatedAsList ? List.of("related", i) : List.of("related");
                JsonNode item = items.get(i);
                if (object(item, loc, problems)) {
                    forbidExtras(item, RELATED, loc, problems);
                    related.add(new EventFilter.RelatedCriteria(
                            strings(item, "id", loc, problems),
                            strings(item, "role", loc, problems),
                            pairs(item.get("resources_in_roles"), append(loc, "resources_in_roles"), problems),
                            labels(item.get("labels"), append(loc, "labels"), problems)));
                }
            }
        }

        List<EventFilter.AnyResourceCriteria> anyResource = null;
        JsonNode anyNode = node.get("any_resource");
        boolean anyAsList = anyNode != null && anyNode.isArray();
        if (anyNode != null && !anyNode.isNull()) {
            anyResource = new ArrayList<>();
            List<JsonNode> items = oneOrMany(anyNode);
            for (int i = 0; i < items.size(); i++) {
                List<Object> loc = anyAsList ? List.of("any_resource", i) : List.of("any_resource");
                JsonNode item = items.get(i);
                if (object(item, loc, problems)) {
                    forbidExtras(item, ANY_RESOURCE, loc, problems);
                    anyResource.add(new EventFilter.AnyResourceCriteria(
                            strings(item, "id", loc, problems),
                            strings(item, "id_prefix", loc, problems),
                            labels(item.get("labels"), append(loc, "labels"), problems)));
                }
            }
        }

        List<String> ids = null;
        JsonNode idNode = node.get("id");
        if (idNode != null && object(idNode, List.of("id"), problems)) {
            forbidExtras(idNode, ID, List.of("id"), problems);
            ids = uuids(idNode.get("id"), List.of("id", "id"), problems);
        }

        TextQuery text = null;
        JsonNode textNode = node.get("text");
        if (optionalObject(textNode, List.of("text"), problems)) {
            forbidExtras(textNode, TEXT, List.of("text"), problems);
            JsonNode query = textNode.get("query");
            if (query == null) {
                problems.add("missing", List.of("text", "query"), "Field required", textNode);
            } else if (!query.isTextual()) {
                problems.add("string_type", List.of("text", "query"), "Input should be a valid string", query);
            } else if (query.textValue().length() > MAX_QUERY_LENGTH) {
                problems.add(
                        "string_too_long",
                        List.of("text", "query"),
                        "String should have at most " + MAX_QUERY_LENGTH + " characters",
                        query);
            } else {
                text = TextQuery.parse(query.textValue());
            }
        }

        boolean descending = true;
        JsonNode order = node.get("order");
        if (order != null) {
            if (order.isTextual()
                    && (order.textValue().equals("ASC") || order.textValue().equals("DESC"))) {
                descending = order.textValue().equals("DESC");
            } else {
                problems.add("enum", List.of("order"), "Input should be 'ASC' or 'DESC'", order);
            }
        }
        problems.throwIfAny();
        return new EventFilter(
                since, until, event, resource, related, relatedAsList, anyResource, anyAsList, ids, text, descending);
    }

    static Instant defaultSince(Instant now) {
        return now.atOffset(ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.DAYS)
                .toInstant()
                .minus(Duration.ofDays(180));
    }

    private static List<JsonNode> oneOrMany(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        return items;
    }

    private static boolean object(JsonNode node, List<Object> loc, InvalidInput problems) {
        if (node == null || !node.isObject()) {
            problems.add(
                    "model_type", loc, "Input should be a valid dictionary or object to extract fields from", node);
            return false;
        }
        return true;
    }

    private static boolean optionalObject(JsonNode node, List<Object> loc, InvalidInput problems) {
        return node != null && !node.isNull() && object(node, loc, problems);
    }

    private static void forbidExtras(JsonNode node, Set<String> allowed, List<Object> loc, InvalidInput problems) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!allowed.contains(field.getKey())) {
                problems.add(
                        "extra_forbidden",
                        append(loc, field.getKey()),
                        "Extra inputs are not permitted",
                        field.getValue());
            }
        }
    }

    private static Instant datetime(JsonNode node, List<Object> loc, InvalidInput problems, Instant fallback) {
        if (node == null) {
            return fallback;
        }
        if (node.isTextual()) {
            try {
                return PrefectTime.parse(node.textValue());
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        problems.add("datetime_from_date_parsing", loc, "Input should be a valid datetime", node);
        return fallback;
    }

    private static boolean bool(JsonNode node, List<Object> loc, InvalidInput problems) {
        if (node == null) {
            return false;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isInt() && (node.intValue() == 0 || node.intValue() == 1)) {
            return node.intValue() == 1;
        }
        if (node.isTextual()
                && (node.textValue().equals("true") || node.textValue().equals("false"))) {
            return node.textValue().equals("true");
        }
        problems.add("bool_parsing", loc, "Input should be a valid boolean", node);
        return false;
    }

    private static List<String> strings(JsonNode parent, String field, List<Object> parentLoc, InvalidInput problems) {
        return stringList(parent.get(field), append(parentLoc, field), problems);
    }

    private static List<String> stringList(JsonNode node, List<Object> loc, InvalidInput problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            problems.add("list_type", loc, "Input should be a valid list", node);
            return null;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (item.isTextual()) {
                values.add(item.textValue());
            } else {
                problems.add("string_type", append(loc, i), "Input should be a valid string", item);
            }
        }
        return List.copyOf(values);
    }

    private static List<String> uuids(JsonNode node, List<Object> loc, InvalidInput problems) {
        List<String> raw = stringList(node, loc, problems);
        if (raw == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            try {
                ids.add(UUID.fromString(raw.get(i)).toString());
            } catch (IllegalArgumentException e) {
                problems.add("uuid_parsing", append(loc, i), "Input should be a valid UUID", node.get(i));
            }
        }
        return List.copyOf(ids);
    }

    private static List<List<String>> pairs(JsonNode node, List<Object> loc, InvalidInput problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            problems.add("list_type", loc, "Input should be a valid list", node);
            return null;
        }
        List<List<String>> pairs = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            List<String> pair = stringList(node.get(i), append(loc, i), problems);
            if (pair == null || pair.size() != 2) {
                problems.add("tuple_type", append(loc, i), "Input should be a valid tuple of two strings", node.get(i));
            } else {
                pairs.add(pair);
            }
        }
        return List.copyOf(pairs);
    }

    private static LabelSpec labels(JsonNode node, List<Object> loc, InvalidInput problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("dict_type", loc, "Input should be a valid dictionary", node);
            return null;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode v = field.getValue();
            if (v.isTextual()) {
                values.put(field.getKey(), List.of(v.textValue()));
            } else {
                List<String> list = stringList(v, append(loc, field.getKey()), problems);
                if (v.isNull()) {
                    problems.add("string_type", append(loc, field.getKey()), "Input should be a valid string", v);
                }
                values.put(field.getKey(), list == null ? List.of() : list);
            }
        }
        return new LabelSpec(values, node.deepCopy());
    }

    private static List<Object> append(List<Object> loc, Object part) {
        List<Object> copy = new ArrayList<>(loc);
        copy.add(part);
        return copy;
    }
}
