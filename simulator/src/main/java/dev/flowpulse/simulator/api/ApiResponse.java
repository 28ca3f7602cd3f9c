package dev.flowpulse.simulator.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A REST answer to write: status, extra headers, body. Immutable apart from {@link #withHeader}'s copies. */
record ApiResponse(int status, Map<String, String> headers, byte[] body) {

    static ApiResponse json(int status, String json) {
        return new ApiResponse(
                status, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ApiResponse(status, copy, body);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
