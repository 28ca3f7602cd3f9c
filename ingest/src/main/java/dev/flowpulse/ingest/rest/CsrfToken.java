package dev.flowpulse.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.FlowRunEventParser;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Prefect's {@code CsrfToken} answer of {@code GET /api/csrf-token?client=<id>}
 * ({@code src/prefect/server/api/csrf_token.py}): {@code token}, {@code client}, {@code expiration}.
 *
 * @param token      sent back as {@code Prefect-Csrf-Token}
 * @param expiration when the server stops accepting it; null when absent or unparseable
 */
record CsrfToken(String token, Instant expiration) {

    static CsrfToken parse(JsonNode answer) throws PrefectApiException {
        JsonNode token = answer.get("token");
        if (token == null || !token.isTextual() || token.textValue().isEmpty()) {
            throw new PrefectApiException("GET /csrf-token answered without a 'token'", 200);
        }
        Instant expiration = null;
        JsonNode exp = answer.get("expiration");
        if (exp != null && exp.isTextual()) {
            try {
                expiration = FlowRunEventParser.parseTime(exp.textValue());
            } catch (DateTimeParseException e) {
                expiration = null;
            }
        }
        return new CsrfToken(token.textValue(), expiration);
    }

    boolean expiresBefore(Instant when) {
        return expiration != null && expiration.isBefore(when);
    }

    @Override
    public String toString() {
        return "CsrfToken[****, expiration=" + expiration + "]";
    }
}
