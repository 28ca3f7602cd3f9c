package dev.flowpulse.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a Prefect ReceivedEvent (JSON, as published on the raw topic) into a {@link ParsedEvent}.
 * Lenient with unknown fields, strict with the fields flowpulse relies on. Semantics follow
 * Prefect's {@code flow_run_state_change_event()}: the state type label drives logic, related
 * resources are recognised by their {@code prefect.resource.role}.
 *
 * <p>Stateless and thread safe.
 */
public final class FlowRunEventParser {

    public static final String FLOW_RUN_EVENT_PREFIX = "prefect.flow-run.";
    public static final String FLOW_RUN_RESOURCE_PREFIX = "prefect.flow-run.";

    /** Reasons put in the dead-letter header {@code flowpulse.dlq.reason}. */
    public static final String MALFORMED_JSON = "malformed-json";

    public static final String NOT_AN_EVENT = "not-a-prefect-event";
    public static final String UNKNOWN_STATE_TYPE = "unknown-state-type";
    public static final String MISSING_FIELD = "missing-field";
    public static final String BAD_TIMESTAMP = "bad-timestamp";

    private FlowRunEventParser() {}

    public static ParsedEvent parse(byte[] value, String workspace) {
        if (value == null) {
            return new ParsedEvent.Rejected(MALFORMED_JSON, "record has no value");
        }
        JsonNode root;
        try {
            root = Json.prefect().readTree(value);
        } catch (JsonProcessingException e) {
            return new ParsedEvent.Rejected(MALFORMED_JSON, Json.describe(e));
        } catch (IOException e) {
            return new ParsedEvent.Rejected(
                    MALFORMED_JSON, "unreadable value (" + e.getClass().getSimpleName() + ")");
        }
        return parse(root, workspace);
    }

    public static ParsedEvent parse(JsonNode root, String workspace) {
        if (root == null || !root.isObject()) {
            return new ParsedEvent.Rejected(NOT_AN_EVENT, "value is not a JSON object");
        }
        String name = text(root, "event");
        JsonNode resource = root.get("resource");
        if (name == null || resource == null || !resource.isObject()) {
            return new ParsedEvent.Rejected(NOT_AN_EVENT, "missing 'event' or 'resource'");
        }
        String resourceId = text(resource, "prefect.resource.id");
        if (!name.startsWith(FLOW_RUN_EVENT_PREFIX)
                || resourceId == null
                || !resourceId.startsWith(FLOW_RUN_RESOURCE_PREFIX)) {
            return new ParsedEvent.Ignored(name);
        }
        String typeLabel = text(resource, "prefect.state-type");
        if (typeLabel == null) {
            // Heartbeats and pull-step events share the prefix but carry no state.
            return new ParsedEvent.Ignored(name);
        }
        Optional<StateType> type = StateType.parse(typeLabel);
        if (type.isEmpty()) {
            return new ParsedEvent.Rejected(UNKNOWN_STATE_TYPE, "unknown prefect.state-type '" + clip(typeLabel) + "'");
        }
        String id = text(root, "id");
        if (id == null || id.isBlank()) {
            return new ParsedEvent.Rejected(MISSING_FIELD, "event has no 'id'");
        }
        String flowRunId = resourceId.substring(FLOW_RUN_RESOURCE_PREFIX.length());
        if (flowRunId.isBlank()) {
            return new ParsedEvent.Rejected(MISSING_FIELD, "empty flow-run id in prefect.resource.id");
        }
        Instant occurred;
        Instant received;
        try {
            occurred = parseTime(text(root, "occurred"));
            received = parseTime(text(root, "received"));
        } catch (DateTimeParseException e) {
            return new ParsedEvent.Rejected(BAD_TIMESTAMP, "'occurred' or 'received' is not an ISO-8601 timestamp");
        }
        if (occurred == null) {
            return new ParsedEvent.Rejected(MISSING_FIELD, "event has no 'occurred'");
        }
        String stateName = text(resource, "prefect.state-name");
        if (stateName == null) {
            stateName = name.substring(FLOW_RUN_EVENT_PREFIX.length());
        }
        Related related = related(root.get("related"));
        return new ParsedEvent.StateChange(new FlowRunEvent(
                workspace,
                id,
                flowRunId,
                text(resource, "prefect.resource.name"),
                type.get(),
                stateName,
                occurred,
                received,
                runCount(text(resource, "prefect.run-count")),
                previousType(root.get("payload")),
                text(root, "follows"),
                related.flow,
                related.deployment,
                related.workQueue,
                related.workPool,
                related.tags));
    }

    /** The flow-run id of a raw event, for keying; empty when the value is not a flow-run event. */
    public static Optional<String> flowRunId(JsonNode root) {
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        JsonNode resource = root.get("resource");
        String resourceId = resource == null ? null : text(resource, "prefect.resource.id");
        if (resourceId == null
                || !resourceId.startsWith(FLOW_RUN_RESOURCE_PREFIX)
                || resourceId.length() == FLOW_RUN_RESOURCE_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(resourceId.substring(FLOW_RUN_RESOURCE_PREFIX.length()));
    }

    /** Prefect writes {@code Z} in model fields and {@code +00:00} in labels; accept any offset, or none (UTC). */
    public static Instant parseTime(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .toInstant(ZoneOffset.UTC);
        }
    }

    private static int runCount(String label) {
        if (label == null) {
            return 0;
        }
        try {
            return Integer.parseInt(label.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static StateType previousType(JsonNode payload) {
        if (payload == null) {
            return null;
        }
        JsonNode from = payload.path("intended").get("from");
        return from == null || from.isNull()
                ? null
                : StateType.parse(from.asText()).orElse(null);
    }

    private record Related(
            ResourceRef flow, ResourceRef deployment, ResourceRef workQueue, ResourceRef workPool, List<String> tags) {}

    private static Related related(JsonNode related) {
        ResourceRef flow = ResourceRef.NONE;
        ResourceRef deployment = ResourceRef.NONE;
        ResourceRef queue = ResourceRef.NONE;
        ResourceRef pool = ResourceRef.NONE;
        List<String> tags = new ArrayList<>();
        if (related != null && related.isArray()) {
            for (JsonNode r : related) {
                String role = text(r, "prefect.resource.role");
                String id = text(r, "prefect.resource.id");
                if (role == null || id == null) {
                    continue;
                }
                String name = text(r, "prefect.resource.name");
                switch (role) {
                    case "flow" -> flow = ref(id, "prefect.flow.", name);
                    case "deployment" -> deployment = ref(id, "prefect.deployment.", name);
                    case "work-queue" -> queue = ref(id, "prefect.work-queue.", name);
                    case "work-pool" -> pool = ref(id, "prefect.work-pool.", name);
                    case "tag" -> tags.add(strip(id, "prefect.tag."));
                    default -> {
                        /* task-run, creator and future roles are not used yet */
                    }
                }
            }
        }
        return new Related(flow, deployment, queue, pool, tags);
    }

    private static ResourceRef ref(String id, String prefix, String name) {
        return new ResourceRef(strip(id, prefix), name);
    }

    private static String strip(String id, String prefix) {
        return id.startsWith(prefix) ? id.substring(prefix.length()) : id;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.replace('\n', ' ').replace('\r', ' ');
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
