package dev.flowpulse.ingest.resume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where ingest resumes a workspace: every event with {@code occurred} before {@link #occurred()},
 * and the events at it listed in {@link #eventIdsAtOccurred()}, are on the raw topic (Kafka
 * acknowledged them). The value of the {@code flowpulse.ingest-cursor} topic:
 * {@code {"occurred": "2026-05-04T09:07:42.315502Z", "event_ids_at_occurred": [...], "schema_version": 1}}.
 *
 * @param occurred           microsecond precision, UTC
 * @param eventIdsAtOccurred sorted, distinct
 */
public record ResumePoint(Instant occurred, List<String> eventIdsAtOccurred) {

    public static final int SCHEMA_VERSION = 1;

    public ResumePoint {
        Objects.requireNonNull(occurred, "occurred");
        occurred = occurred.truncatedTo(ChronoUnit.MICROS);
        eventIdsAtOccurred = List.copyOf(new TreeSet<>(eventIdsAtOccurred));
    }

    public byte[] toJson() {
        ObjectNode node = Json.prefect().createObjectNode();
        node.put("occurred", occurred.toString());
        eventIdsAtOccurred.forEach(node.putArray("event_ids_at_occurred")::add);
        node.put("schema_version", SCHEMA_VERSION);
        return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Empty for a tombstone, an unreadable value or a newer schema this version cannot trust. */
    public static Optional<ResumePoint> fromJson(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.prefect().readTree(value);
            if (node == null || node.path("schema_version").asInt(0) != SCHEMA_VERSION) {
                return Optional.empty();
            }
            Instant occurred =
                    FlowRunEventParser.parseTime(node.path("occurred").asText(null));
            if (occurred == null) {
                return Optional.empty();
            }
            List<String> ids = new ArrayList<>();
            node.path("event_ids_at_occurred").forEach(id -> ids.add(id.asText()));
            return Optional.of(new ResumePoint(occurred, ids));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
