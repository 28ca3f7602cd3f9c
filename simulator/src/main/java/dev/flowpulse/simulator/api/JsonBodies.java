package dev.flowpulse.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.simulator.wire.InvalidInput;
import java.io.IOException;
import java.util.List;

/**
 * Reading request bodies and writing responses the way Prefect's FastAPI app does: invalid JSON
 * and validation problems become 422 with Prefect's {@code exception_detail} body, HTTP errors
 * {@code {"detail": ...}}.
 *
 * <p>Stateless and thread safe.
 */
final class JsonBodies {

    static final ObjectMapper MAPPER = Json.prefect();

    private JsonBodies() {}

    /** A request body that is not valid JSON (or not an object). */
    static final class BadBody extends Exception {
        final ApiResponse response;

        BadBody(ApiResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** The body as a JSON object; an empty body reads as {}. */
    static ObjectNode objectBody(ApiRequest request) throws BadBody {
        if (request.body().length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(request.body());
        } catch (IOException e) {
            InvalidInput invalid = new InvalidInput()
                    .add(
                            "json_invalid",
                            List.of("body", 0),
                            "JSON decode error",
                            JsonNodeFactory.instance.objectNode());
            throw new BadBody(unprocessable(invalid, List.of(), null));
        }
        if (node == null || !node.isObject()) {
            InvalidInput invalid = new InvalidInput()
                    .add(
                            "model_attributes_type",
                            List.of("body"),
                            "Input should be a valid dictionary or object to extract fields from",
                            node);
            throw new BadBody(unprocessable(invalid, List.of(), node));
        }
        return (ObjectNode) node;
    }

    static ApiResponse unprocessable(InvalidInput problems, List<Object> locPrefix, JsonNode body) {
        return ApiResponse.json(422, problems.responseBody(locPrefix, body).toString());
    }

    static ApiResponse detail(int status, String detail) {
        return ApiResponse.json(
                status,
                JsonNodeFactory.instance.objectNode().put("detail", detail).toString());
    }

    static ApiResponse ok(JsonNode body) {
        return ApiResponse.json(200, body.toString());
    }
}
