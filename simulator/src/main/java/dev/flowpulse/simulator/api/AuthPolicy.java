package dev.flowpulse.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * How the simulated server authenticates (reference §2 step 2–3 and §4): no auth; self-hosted
 * {@code PREFECT_SERVER_API_AUTH_STRING} (REST {@code Authorization: Basic base64(authString)},
 * websocket token = the raw auth string); or a Prefect-Cloud-like API key (REST {@code Bearer},
 * websocket token = the key, failures announced with an {@code auth_failure} message).
 * Comparisons are constant time; credentials never appear in messages.
 *
 * <p>Immutable and thread safe.
 */
public final class AuthPolicy {

    public enum Mode {
        NONE,
        AUTH_STRING,
        API_KEY
    }

    /** Outcome of a websocket auth message. */
    public record WebSocketVerdict(boolean accepted, int closeCode, String closeReason, String failureMessageReason) {
        static WebSocketVerdict accept() {
            return new WebSocketVerdict(true, 0, null, null);
        }

        static WebSocketVerdict reject(String reason) {
            return new WebSocketVerdict(false, 1008, reason, null);
        }

        static WebSocketVerdict rejectWithMessage(String reason) {
            return new WebSocketVerdict(false, 1008, reason, reason);
        }
    }

    private final Mode mode;
    private final byte[] secret;

    private AuthPolicy(Mode mode, String secret) {
        this.mode = mode;
        this.secret = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
    }

    public static AuthPolicy none() {
        return new AuthPolicy(Mode.NONE, null);
    }

    public static AuthPolicy authString(String authString) {
        return new AuthPolicy(Mode.AUTH_STRING, authString);
    }

    public static AuthPolicy apiKey(String apiKey) {
        return new AuthPolicy(Mode.API_KEY, apiKey);
    }

    public Mode mode() {
        return mode;
    }

    public boolean requiresAuth() {
        return mode != Mode.NONE;
    }

    /** Checks a REST request's {@code Authorization} header. */
    public boolean restAuthorized(String authorization) {
        if (mode == Mode.NONE) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = authorization.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = authorization.substring(space + 1).trim();
        if (mode == Mode.API_KEY) {
            return scheme.equals("bearer") && constantTimeEquals(credentials.getBytes(StandardCharsets.UTF_8));
        }
        if (!scheme.equals("basic")) {
            return false;
        }
        try {
            return constantTimeEquals(Base64.getDecoder().decode(credentials));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Judges the {@code token} of a websocket {@code auth} message (null when the key is absent). */
    public WebSocketVerdict websocketToken(JsonNode token) {
        boolean missing = token == null || token.isNull();
        boolean matches = !missing
                && token.isTextual()
                && constantTimeEquals(token.textValue().getBytes(StandardCharsets.UTF_8));
        return switch (mode) {
            case NONE -> WebSocketVerdict.accept();
            case AUTH_STRING ->
                matches
                        ? WebSocketVerdict.accept()
                        : WebSocketVerdict.reject(missing ? "Auth required but no token provided" : "Invalid token");
            case API_KEY -> matches ? WebSocketVerdict.accept() : WebSocketVerdict.rejectWithMessage("Invalid API key");
        };
    }

    private boolean constantTimeEquals(byte[] candidate) {
        return MessageDigest.isEqual(secret, candidate);
    }

    @Override
    public String toString() {
        return "AuthPolicy[" + mode + "]";
    }
}
