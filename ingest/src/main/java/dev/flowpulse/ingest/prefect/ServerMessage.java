package dev.flowpulse.ingest.prefect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.Json;

/**
 * One complete text message from Prefect's event websocket, classified by its {@code type}
 * (reference §2: {@code auth_success}, {@code auth_failure} as Cloud's harness sends it, and
 * {@code event}). Anything else is {@link Unknown} (a newer server) or {@link Malformed}.
 */
public sealed interface ServerMessage {

    record AuthSuccess() implements ServerMessage {}

    /** @param reason the server's reason, may be empty */
    record AuthFailure(String reason) implements ServerMessage {}

    /** @param event the inner ReceivedEvent object, untouched */
    record Event(ObjectNode event) implements ServerMessage {}

    record Unknown(String type) implements ServerMessage {}

    /**
     * @param reason dead-letter reason ({@code malformed-json}, {@code missing-field}, {@code not-a-prefect-event})
     * @param detail one line, built from the structure only (never payload values)
     */
    record Malformed(String reason, String detail) implements ServerMessage {}

    /**
     * Floats are read as exact decimals with their trailing zeros, so re-serialising the event for
     * Kafka does not change a number's text.
     */
    ObjectReader READER = Json.prefect()
            .reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    static ServerMessage parse(String text) {
        JsonNode root;
        try {
            root = READER.readTree(text);
        } catch (JsonProcessingException e) {
            return new Malformed(FlowRunEventParser.MALFORMED_JSON, "frame is not JSON: " + Json.describe(e));
        }
        if (root == null || !root.isObject()) {
            return new Malformed(FlowRunEventParser.MALFORMED_JSON, "frame is not a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            return new Malformed(FlowRunEventParser.MISSING_FIELD, "message has no 'type'");
        }
        return switch (type.asText()) {
            case "auth_success" -> new AuthSuccess();
            case "auth_failure" -> new AuthFailure(root.path("reason").asText(""));
            case "event" -> {
                JsonNode event = root.get("event");
                yield event instanceof ObjectNode object
                        ? new Event(object)
                        : new Malformed(FlowRunEventParser.NOT_AN_EVENT, "'event' message without an event object");
            }
            default -> new Unknown(type.asText());
        };
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.replace('\n', ' ').replace('\r', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
