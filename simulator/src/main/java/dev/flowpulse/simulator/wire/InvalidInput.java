package dev.flowpulse.simulator.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Every validation problem found in one request body, shaped like pydantic's errors so they can
 * be reported the way Prefect does: as a 422 body on REST, as {@code Invalid filter: ...} on the
 * websocket. Collect problems with {@link #add}, then {@link #throwIfAny()}.
 *
 * <p>Not thread safe; one per parse.
 */
public final class InvalidInput extends Exception {

    /** One pydantic-style error: {@code type}, location path, message, offending input. */
    public record Problem(String type, List<Object> loc, String msg, JsonNode input) {}

    private final List<Problem> problems = new ArrayList<>();

    public InvalidInput() {
        super(null, null, false, false);
    }

    public InvalidInput add(String type, List<Object> loc, String msg, JsonNode input) {
        problems.add(new Problem(type, List.copyOf(loc), msg, input));
        return this;
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    public void throwIfAny() throws InvalidInput {
        if (!problems.isEmpty()) {
            throw this;
        }
    }

    @Override
    public String getMessage() {
        return summary("input");
    }

    /** Pydantic's {@code str(ValidationError)}: {@code N validation error(s) for Model} then loc / message pairs. */
    public String summary(String modelName) {
        StringBuilder text = new StringBuilder();
        text.append(problems.size())
                .append(problems.size() == 1 ? " validation error for " : " validation errors for ")
                .append(modelName);
        for (Problem p : problems) {
            text.append('\n')
                    .append(String.join(
                            ".", p.loc().stream().map(String::valueOf).toList()))
                    .append("\n  ")
                    .append(p.msg())
                    .append(" [type=")
                    .append(p.type())
                    .append(']');
        }
        return text.toString();
    }

    /**
     * Prefect's 422 body ({@code validation_exception_handler} in the API server):
     * {@code {"exception_message": "Invalid request received.", "exception_detail": [...], "request_body": ...}}.
     */
    public ObjectNode responseBody(List<Object> locPrefix, JsonNode requestBody) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode();
        body.put("exception_message", "Invalid request received.");
        ArrayNode detail = body.putArray("exception_detail");
        for (Problem p : problems) {
            ObjectNode entry = detail.addObject();
            entry.put("type", p.type());
            ArrayNode loc = entry.putArray("loc");
            for (Object part : locPrefix) {
                addLoc(loc, part);
            }
            for (Object part : p.loc()) {
                addLoc(loc, part);
            }
            entry.put("msg", p.msg());
            entry.set("input", p.input() == null ? json.nullNode() : p.input());
        }
        body.set("request_body", requestBody == null ? json.nullNode() : requestBody);
        return body;
    }

    private static void addLoc(ArrayNode loc, Object part) {
        if (part instanceof Integer i) {
            loc.add(i);
        } else {
            loc.add(String.valueOf(part));
        }
    }
}
