package dev.flowpulse.ingest.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flowpulse.contract.Json;
import java.util.Map;
import java.util.Optional;

/**
 * Makes an event that is too large for a Kafka record fit (Prefect accepts events up to 1.5 MB,
 * Kafka records default to 1 MB): the state message label ({@code prefect.state-message}, up to
 * 100 000 characters) and every text inside {@code payload} (state messages) are cut to a length
 * that fits, longest allowance first. Ids, times, state labels and related resources are never
 * touched, so the topology can still count the event. Pure.
 */
public final class OversizeEvents {

    static final String STATE_MESSAGE = "prefect.state-message";
    private static final int[] ALLOWANCES = {65_536, 8_192, 1_024, 128, 0};

    private OversizeEvents() {}

    /** A copy of {@code event} that serializes to at most {@code maxBytes}; empty when cutting texts is not enough. */
    public static Optional<ObjectNode> truncate(ObjectNode event, int maxBytes) throws JsonProcessingException {
        for (int allowance : ALLOWANCES) {
            ObjectNode copy = event.deepCopy();
            JsonNode resource = copy.get("resource");
            if (resource instanceof ObjectNode labels && labels.get(STATE_MESSAGE) instanceof TextNode message) {
                labels.put(STATE_MESSAGE, cut(message.textValue(), allowance));
            }
            JsonNode payload = copy.get("payload");
            if (payload != null) {
                copy.set("payload", cutTexts(payload, allowance));
            }
            if (Json.prefect().writeValueAsBytes(copy).length <= maxBytes) {
                return Optional.of(copy);
            }
        }
        return Optional.empty();
    }

    private static JsonNode cutTexts(JsonNode node, int allowance) {
        if (node instanceof TextNode text) {
            return TextNode.valueOf(cut(text.textValue(), allowance));
        }
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                field.setValue(cutTexts(field.getValue(), allowance));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, cutTexts(array.get(i), allowance));
            }
        }
        return node;
    }

    private static String cut(String text, int allowance) {
        if (text.length() <= allowance) {
            return text;
        }
        int end = allowance;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end);
    }
}
