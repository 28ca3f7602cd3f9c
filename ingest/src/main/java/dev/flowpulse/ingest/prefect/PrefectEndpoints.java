package dev.flowpulse.ingest.prefect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.Secret;
import dev.flowpulse.ingest.IngestConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to talk to Prefect, derived from {@code PREFECT_API_URL} and the credentials
 * exactly as Prefect's Python client does (reference §2 URL rules, §4 auth).
 *
 * <p>One credential is used: the auth string when set (self-hosted basic auth; the Python client
 * prefers it when both are set), otherwise the API key (Prefect Cloud). The websocket carries it
 * raw in the {@code auth} message; REST carries it in an {@code Authorization} header.
 *
 * <p>Immutable and thread safe. {@link #toString()} hides the credentials.
 */
public record PrefectEndpoints(URI apiUrl, Secret apiKey, Secret authString) {

    public PrefectEndpoints {
        Objects.requireNonNull(apiUrl, "apiUrl");
    }

    public static PrefectEndpoints of(IngestConfig config) {
        // IngestConfig refuses a user:pass@ in the URL, so it can be logged and shown on /health.
        return new PrefectEndpoints(config.apiUrl(), config.apiKey(), config.authString());
    }

    /** {@code http→ws}, {@code https→wss}, trailing {@code /} stripped, then {@code /events/out}. */
    public URI eventsOutUrl() {
        return URI.create(httpToWs(apiUrl.toString()) + "/events/out");
    }

    /** The REST header value: {@code Basic base64(authString)} or {@code Bearer <key>}; empty without credentials. */
    public Optional<String> authorizationHeader() {
        if (authString != null) {
            return Optional.of("Basic "
                    + Base64.getEncoder().encodeToString(authString.reveal().getBytes(StandardCharsets.UTF_8)));
        }
        if (apiKey != null) {
            return Optional.of("Bearer " + apiKey.reveal());
        }
        return Optional.empty();
    }

    /** The websocket token: the raw auth string (not base64), else the API key, else null. */
    public Optional<String> authToken() {
        if (authString != null) {
            return Optional.of(authString.reveal());
        }
        return apiKey == null ? Optional.empty() : Optional.of(apiKey.reveal());
    }

    /** {@code {"type":"auth","token":<token or null>}}: mandatory even when the server has no auth. */
    public String authMessage() {
        ObjectNode message = Json.prefect().createObjectNode();
        message.put("type", "auth");
        authToken().ifPresentOrElse(token -> message.put("token", token), () -> message.putNull("token"));
        return message.toString();
    }

    /** Which credential is in use, for logs: never the value. */
    public String credentialKind() {
        if (authString != null) {
            return apiKey != null ? "PREFECT_API_AUTH_STRING (PREFECT_API_KEY ignored)" : "PREFECT_API_AUTH_STRING";
        }
        return apiKey != null ? "PREFECT_API_KEY" : "none";
    }

    /**
     * {@code text} with every credential (and the base64 form of the auth string) replaced by
     * {@code ****}: for server-provided reasons and exception messages that end up in logs.
     */
    public String redact(String text) {
        if (text == null) {
            return "";
        }
        String redacted = text;
        if (authString != null) {
            redacted = redacted.replace(authString.reveal(), "****")
                    .replace(
                            Base64.getEncoder()
                                    .encodeToString(authString.reveal().getBytes(StandardCharsets.UTF_8)),
                            "****");
        }
        if (apiKey != null) {
            redacted = redacted.replace(apiKey.reveal(), "****");
        }
        return redacted;
    }

    static String httpToWs(String url) {
        String ws = url;
        if (ws.startsWith("https://")) {
            ws = "wss://" + ws.substring("https://".length());
        } else if (ws.startsWith("http://")) {
            ws = "ws://" + ws.substring("http://".length());
        }
        while (ws.endsWith("/")) {
            ws = ws.substring(0, ws.length() - 1);
        }
        return ws;
    }
}
