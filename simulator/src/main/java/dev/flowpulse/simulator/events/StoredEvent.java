package dev.flowpulse.simulator.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A ReceivedEvent as the simulator keeps it: the fields filters look at, pre-extracted, and the
 * event's JSON re-serialized the way Prefect's server would (field order occurred, event, resource,
 * related, payload, id, follows, received; datetimes in pydantic form). Immutable.
 */
public record StoredEvent(
        String id,
        Instant occurred,
        Instant received,
        String event,
        Map<String, String> resource,
        List<Map<String, String>> related,
        String payloadText,
        String json) {

    private static final ObjectMapper MAPPER = Json.prefect();

    /**
     * Validates and normalizes a ReceivedEvent. A missing {@code received} is stamped with
     * {@code now}; missing {@code related}/{@code payload}/{@code follows} get Prefect's defaults.
     *
     * @throws IllegalArgumentException when a required field is missing or malformed
     */
    public static StoredEvent from(JsonNode node, Instant now) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("an event must be a JSON object");
        }
        Instant occurred = PrefectTime.parse(text(node, "occurred"));
        String event = text(node, "event");
        String id = UUID.fromString(text(node, "id")).toString();
        Map<String, String> resource = labels(node.get("resource"), "resource");
        if (resource.getOrDefault("prefect.resource.id", "").isEmpty()) {
            throw new IllegalArgumentException("resource needs a non-empty prefect.resource.id");
        }
        List<Map<String, String>> related = new ArrayList<>();
        JsonNode relatedNode = node.path("related");
        if (!relatedNode.isMissingNode() && !relatedNode.isNull()) {
            if (!relatedNode.isArray()) {
                throw new IllegalArgumentException("related must be an array");
            }
            for (JsonNode r : relatedNode) {
                related.add(labels(r, "related resource"));
            }
        }
        JsonNode payload = node.path("payload");
        if (payload.isMissingNode() || payload.isNull()) {
            payload = JsonNodeFactory.instance.objectNode();
        }
        JsonNode receivedNode = node.path("received");
        Instant received = receivedNode.isTextual() ? PrefectTime.parse(receivedNode.textValue()) : now;
        JsonNode follows = node.path("follows");

        ObjectNode normalized = JsonNodeFactory.instance.objectNode();
        normalized.put("occurred", PrefectTime.format(occurred));
        normalized.put("event", event);
        normalized.set("resource", node.get("resource"));
        normalized.set("related", relatedNode.isArray() ? relatedNode : JsonNodeFactory.instance.arrayNode());
        normalized.set("payload", payload);
        normalized.put("id", id);
        if (follows.isTextual()) {
            normalized.put("follows", UUID.fromString(follows.textValue()).toString());
        } else {
            normalized.putNull("follows");
        }
        normalized.put("received", PrefectTime.format(received));
        return new StoredEvent(
                id,
                occurred,
                received,
                event,
                resource,
                Collections.unmodifiableList(related),
                write(payload),
                write(normalized));
    }

    /** A fresh mutable copy of the event JSON. */
    public ObjectNode toJson() {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String resourceId() {
        return resource.get("prefect.resource.id");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new IllegalArgumentException("event field '" + field + "' must be a non-empty string");
        }
        return value.textValue();
    }

    private static Map<String, String> labels(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " must be an object of string labels");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException(what + " label '" + e.getKey() + "' must be a string");
            }
            labels.put(e.getKey(), e.getValue().textValue());
        });
        return Collections.unmodifiableMap(labels);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
