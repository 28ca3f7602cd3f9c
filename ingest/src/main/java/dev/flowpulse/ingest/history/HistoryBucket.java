package dev.flowpulse.ingest.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One {@code (interval, state)} cell of Prefect's flow-run history: the runs expected to start in
 * the interval that are in this state <em>now</em> (reference §3.2).
 *
 * @param key                  what identifies the cell on the compacted topic
 * @param countRuns            {@code count_runs}
 * @param sumEstimatedRunTime  {@code sum_estimated_run_time}, seconds
 * @param sumEstimatedLateness {@code sum_estimated_lateness}, seconds
 * @param intervalEnd          {@code interval_end} of the bucket
 */
public record HistoryBucket(
        Key key, long countRuns, BigDecimal sumEstimatedRunTime, BigDecimal sumEstimatedLateness, Instant intervalEnd) {

    public static final int SCHEMA_VERSION = 1;

    /** The record key: {@code {"interval_start","state_name","state_type","workspace"}}, fields sorted. */
    public record Key(String workspace, Instant intervalStart, String stateType, String stateName) {
        public Key {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(intervalStart, "intervalStart");
            Objects.requireNonNull(stateType, "stateType");
            Objects.requireNonNull(stateName, "stateName");
        }

        /** Empty for a key that is not a history key. */
        public static java.util.Optional<Key> fromJson(String json) {
            try {
                com.fasterxml.jackson.databind.JsonNode node = Json.prefect().readTree(json);
                Instant start = Instant.parse(node.path("interval_start").asText(""));
                String workspace = node.path("workspace").asText(null);
                String type = node.path("state_type").asText(null);
                String name = node.path("state_name").asText(null);
                if (workspace == null || type == null || name == null) {
                    return java.util.Optional.empty();
                }
                return java.util.Optional.of(new Key(workspace, start, type, name));
            } catch (java.io.IOException | java.time.format.DateTimeParseException e) {
                return java.util.Optional.empty();
            }
        }

        public String toJson() {
            ObjectNode node = Json.prefect().createObjectNode();
            node.put("interval_start", intervalStart.toString());
            node.put("state_name", stateName);
            node.put("state_type", stateType);
            node.put("workspace", workspace);
            return node.toString();
        }
    }

    public HistoryBucket {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(intervalEnd, "intervalEnd");
        sumEstimatedRunTime = sumEstimatedRunTime.stripTrailingZeros();
        sumEstimatedLateness = sumEstimatedLateness.stripTrailingZeros();
    }

    /** The cell of a record value written by {@link #toJson(Instant)}; empty when unreadable. */
    static java.util.Optional<HistoryBucket> fromJson(Key key, byte[] value) {
        try {
            com.fasterxml.jackson.databind.JsonNode node =
                    dev.flowpulse.ingest.prefect.ServerMessage.READER.readTree(value);
            if (node.path("schema_version").asInt(0) != SCHEMA_VERSION) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new HistoryBucket(
                    key,
                    node.path("count_runs").asLong(),
                    node.path("sum_estimated_run_time").decimalValue(),
                    node.path("sum_estimated_lateness").decimalValue(),
                    Instant.parse(node.path("interval_end").asText(""))));
        } catch (java.io.IOException | java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    /** Adds another entry for the same cell (Prefect does not repeat one, but nothing forbids it). */
    HistoryBucket plus(HistoryBucket other) {
        return new HistoryBucket(
                key,
                countRuns + other.countRuns,
                sumEstimatedRunTime.add(other.sumEstimatedRunTime),
                sumEstimatedLateness.add(other.sumEstimatedLateness),
                intervalEnd.isAfter(other.intervalEnd) ? intervalEnd : other.intervalEnd);
    }

    /** The record value, with {@code polled_at}: when ingest read it. */
    public String toJson(Instant polledAt) {
        ObjectNode node = Json.prefect().createObjectNode();
        node.put("count_runs", countRuns);
        node.put("interval_end", intervalEnd.toString());
        node.put("interval_start", key.intervalStart().toString());
        node.put("polled_at", polledAt.toString());
        node.put("schema_version", SCHEMA_VERSION);
        node.put("state_name", key.stateName());
        node.put("state_type", key.stateType());
        node.put("sum_estimated_lateness", sumEstimatedLateness);
        node.put("sum_estimated_run_time", sumEstimatedRunTime);
        node.put("workspace", key.workspace());
        return node.toString();
    }
}
