package dev.flowpulse.simulator.api;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One REST request as the routes see it, already read by Jetty: method, path, decoded query
 * parameters, headers (names lower-cased), the body, and Starlette's {@code request.base_url}
 * (scheme, Host, trailing slash) for building {@code next_page} links. Immutable.
 */
record ApiRequest(
        String method,
        String path,
        Map<String, String> query,
        Map<String, String> headers,
        byte[] body,
        String baseUrl) {

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
