package dev.flowpulse.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records ingest's history poller writes to {@code flowpulse.flow-run-history} for the real
 * {@code POST /api/flow_runs/history} response sample (docs/topics.md): one per {@code (bucket,
 * state)} cell, key and value with sorted fields, Prefect's float sums as received. Empty buckets
 * produce no record.
 */
final class HistoryRecords {

    static final String WORKSPACE = "prod";
    static final String POLLED_AT = "2026-05-04T13:30:00.412Z";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private HistoryRecords() {}

    /** Key and value bytes of every cell of the sample, in the order of the answer. */
    static List<byte[][]> sampleCells() {
        JsonNode answer = PrefectSamples.json("rest/flow-runs-history-response.json");
        List<byte[][]> cells = new ArrayList<>();
        for (JsonNode bucket : answer) {
            for (JsonNode state : bucket.path("states")) {
                ObjectNode value = JSON.objectNode();
                value.set("count_runs", state.get("count_runs"));
                value.set("interval_end", bucket.get("interval_end"));
                value.set("interval_start", bucket.get("interval_start"));
                value.put("polled_at", POLLED_AT);
                value.put("schema_version", 1);
                value.set("state_name", state.get("state_name"));
                value.set("state_type", state.get("state_type"));
                value.set("sum_estimated_lateness", state.get("sum_estimated_lateness"));
                value.set("sum_estimated_run_time", state.get("sum_estimated_run_time"));
                value.put("workspace", WORKSPACE);
                cells.add(new byte[][] {
                    key(
                            bucket.get("interval_start").asText(),
                            state.get("state_type").asText(),
                            state.get("state_name").asText()),
                    value.toString().getBytes(StandardCharsets.UTF_8)
                });
            }
        }
        return cells;
    }

    static byte[] key(String intervalStart, String stateType, String stateName) {
        ObjectNode key = JSON.objectNode();
        key.put("interval_start", intervalStart);
        key.put("state_name", stateName);
        key.put("state_type", stateType);
        key.put("workspace", WORKSPACE);
        return key.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ConsumerRecord<byte[], byte[]> consumerRecord(String topic, long offset, byte[] key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset, key, value);
    }

    static ProducerRecord<byte[], byte[]> producerRecord(String topic, byte[] key, byte[] value) {
        return new ProducerRecord<>(topic, key, value);
    }
}
