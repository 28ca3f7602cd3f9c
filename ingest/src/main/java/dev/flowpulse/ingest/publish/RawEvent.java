package dev.flowpulse.ingest.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEventParser;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * A Prefect ReceivedEvent that can go to the raw topic: it has an id, a flow-run resource and a
 * parseable {@code occurred}. {@link #inspect} decides between that, a valid event that is not a
 * state change (heartbeat, pull step: no {@code prefect.state-type} label), and an invalid event
 * for the dead-letter topic. Only the fields needed for the Kafka record are checked here; the
 * streams module parses the rest.
 *
 * @param id        the event id (for state changes: the new state's id), the dedupe key
 * @param flowRunId the record key
 * @param occurred  the record timestamp and the replay cursor
 * @param event     the event object, re-serialized unchanged as the record value
 */
public record RawEvent(String id, String flowRunId, Instant occurred, ObjectNode event) {

    public static final String STATE_TYPE_LABEL = "prefect.state-type";

    public RawEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(flowRunId, "flowRunId");
        Objects.requireNonNull(occurred, "occurred");
        Objects.requireNonNull(event, "event");
    }

    /** What {@link #inspect} found. */
    public sealed interface Inspection {}

    public record Publishable(RawEvent event) implements Inspection {}

    public record NotAStateChange(String id) implements Inspection {}

    public record Invalid(String reason, String detail) implements Inspection {}

    public static Inspection inspect(ObjectNode event) {
        Optional<String> flowRunId = FlowRunEventParser.flowRunId(event);
        if (flowRunId.isEmpty()) {
            return new Invalid(FlowRunEventParser.MISSING_FIELD, "event has no flow-run prefect.resource.id");
        }
        String id = text(event, "id");
        if (id == null || id.isBlank()) {
            return new Invalid(FlowRunEventParser.MISSING_FIELD, "event has no 'id'");
        }
        Instant occurred;
        try {
            occurred = FlowRunEventParser.parseTime(text(event, "occurred"));
        } catch (DateTimeParseException e) {
            return new Invalid(FlowRunEventParser.BAD_TIMESTAMP, "event 'occurred' is not an ISO-8601 timestamp");
        }
        if (occurred == null) {
            return new Invalid(FlowRunEventParser.MISSING_FIELD, "event has no 'occurred'");
        }
        String stateType = text(event.path("resource"), STATE_TYPE_LABEL);
        if (stateType == null || stateType.isBlank()) {
            return new NotAStateChange(id);
        }
        return new Publishable(new RawEvent(id, flowRunId.get(), occurred, event));
    }

    /** The event's {@code occurred}, or null when it has none or it does not parse. */
    public static Instant occurredOrNull(JsonNode event) {
        try {
            return FlowRunEventParser.parseTime(text(event, "occurred"));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isValueNode() || v.isNull() ? null : v.asText();
    }
}
