package dev.flowpulse.ingest.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.FlowRunEventParser;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Prefect's {@code /flow_runs/history} answer (reference §3.2, {@code HistoryResponse}):
 * an array of {@code {interval_start, interval_end, states: [{state_type, state_name, count_runs,
 * sum_estimated_run_time, sum_estimated_lateness}]}}, flat state entries, durations in float
 * seconds. Empty buckets ({@code states: []}) produce no cells; entries repeating a
 * {@code (state_type, state_name)} in one bucket are summed; unknown fields are ignored. Pure.
 */
public final class HistoryResponse {

    private HistoryResponse() {}

    /** Cells by key; empty when the answer is not an array (then nothing is published or deleted). */
    public static Optional<Map<HistoryBucket.Key, HistoryBucket>> parse(JsonNode answer, String workspace) {
        if (answer == null || !answer.isArray()) {
            return Optional.empty();
        }
        Map<HistoryBucket.Key, HistoryBucket> cells = new LinkedHashMap<>();
        for (JsonNode bucket : answer) {
            Instant start = time(bucket.get("interval_start"));
            Instant end = time(bucket.get("interval_end"));
            if (start == null || end == null) {
                return Optional.empty();
            }
            for (JsonNode state : bucket.path("states")) {
                String type = state.path("state_type").asText("");
                String name = state.path("state_name").asText("");
                if (type.isEmpty()) {
                    continue;
                }
                HistoryBucket cell = new HistoryBucket(
                        new HistoryBucket.Key(workspace, start, type, name),
                        state.path("count_runs").asLong(0),
                        seconds(state.get("sum_estimated_run_time")),
                        seconds(state.get("sum_estimated_lateness")),
                        end);
                cells.merge(cell.key(), cell, HistoryBucket::plus);
            }
        }
        return Optional.of(cells);
    }

    /** Upserts (new or changed cells) and tombstones (cells gone), in key order of {@code current} then {@code previous}. */
    public record Changes(List<HistoryBucket> upserts, List<HistoryBucket.Key> tombstones) {}

    public static Changes diff(
            Map<HistoryBucket.Key, HistoryBucket> previous, Map<HistoryBucket.Key, HistoryBucket> current) {
        List<HistoryBucket> upserts = current.values().stream()
                .filter(cell -> !cell.equals(previous.get(cell.key())))
                .toList();
        List<HistoryBucket.Key> tombstones = previous.keySet().stream()
                .filter(key -> !current.containsKey(key))
                .toList();
        return new Changes(upserts, tombstones);
    }

    private static BigDecimal seconds(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return BigDecimal.ZERO;
        }
        return node.decimalValue();
    }

    private static Instant time(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return FlowRunEventParser.parseTime(node.textValue());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
