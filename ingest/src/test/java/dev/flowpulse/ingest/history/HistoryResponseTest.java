package dev.flowpulse.ingest.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.ingest.prefect.ServerMessage;
import dev.flowpulse.testkit.PrefectSamples;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against Prefect's real answer shape: {@code rest/flow-runs-history-response.json} (7 hourly buckets, one empty). */
class HistoryResponseTest {

    private static final String WS = "prefect:4200";

    private static JsonNode sample() throws IOException {
        return ServerMessage.READER.readTree(PrefectSamples.bytes("rest/flow-runs-history-response.json"));
    }

    private static HistoryBucket.Key key(String start, String type, String name) {
        return new HistoryBucket.Key(WS, Instant.parse(start), type, name);
    }

    @Test
    void shouldReadFlatStateEntriesWithTheRealFieldNames() throws IOException {
        Map<HistoryBucket.Key, HistoryBucket> cells =
                HistoryResponse.parse(sample(), WS).orElseThrow();

        // 7 buckets: the 07:00 one empty, three with one state, three with two: 9 cells.
        assertThat(cells).hasSize(9);
        assertThat(cells.keySet()).noneMatch(k -> k.intervalStart().equals(Instant.parse("2026-05-04T07:00:00Z")));
        HistoryBucket failed = cells.get(key("2026-05-04T10:00:00Z", "FAILED", "Failed"));
        assertThat(failed.countRuns()).isEqualTo(1);
        assertThat(failed.sumEstimatedRunTime()).isEqualByComparingTo("764.694557");
        assertThat(failed.sumEstimatedLateness()).isEqualByComparingTo("3.210774");
        assertThat(failed.intervalEnd()).isEqualTo(Instant.parse("2026-05-04T11:00:00Z"));
        assertThat(cells.get(key("2026-05-04T09:00:00Z", "COMPLETED", "Completed"))
                        .countRuns())
                .isEqualTo(2);
        assertThat(cells.get(key("2026-05-04T13:00:00Z", "SCHEDULED", "Scheduled"))
                        .sumEstimatedRunTime())
                .isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void shouldKeepStatesSharingATypeApartAndSumARepeatedEntry() throws IOException {
        ArrayNode answer = (ArrayNode) sample();
        ArrayNode states = (ArrayNode) answer.get(6).get("states");
        states.addObject() // SCHEDULED/Late is its own cell beside SCHEDULED/Scheduled
                .put("state_type", "SCHEDULED")
                .put("state_name", "Late")
                .put("count_runs", 2)
                .put("sum_estimated_run_time", 0.0)
                .put("sum_estimated_lateness", 61.5);
        states.add(states.get(0).deepCopy()); // the same cell twice: summed

        Map<HistoryBucket.Key, HistoryBucket> cells =
                HistoryResponse.parse(answer, WS).orElseThrow();

        assertThat(cells.get(key("2026-05-04T13:00:00Z", "SCHEDULED", "Late")).countRuns())
                .isEqualTo(2);
        assertThat(cells.get(key("2026-05-04T13:00:00Z", "SCHEDULED", "Scheduled"))
                        .countRuns())
                .isEqualTo(2);
    }

    @Test
    void shouldUpsertChangedCellsAndTombstoneVanishedOnes() throws IOException {
        Map<HistoryBucket.Key, HistoryBucket> before =
                HistoryResponse.parse(sample(), WS).orElseThrow();
        // Next poll: the 08:00 bucket left the range, the Scheduled run of 13:00 is now Running.
        ArrayNode answer = (ArrayNode) sample();
        answer.remove(1);
        ObjectNode scheduled = (ObjectNode) answer.get(5).get("states").get(0);
        scheduled.put("state_type", "RUNNING").put("state_name", "Running").put("sum_estimated_run_time", 12.5);
        Map<HistoryBucket.Key, HistoryBucket> after =
                HistoryResponse.parse(answer, WS).orElseThrow();

        HistoryResponse.Changes changes = HistoryResponse.diff(before, after);

        assertThat(changes.upserts())
                .extracting(HistoryBucket::key)
                .containsExactly(key("2026-05-04T13:00:00Z", "RUNNING", "Running"));
        assertThat(changes.tombstones())
                .containsExactlyInAnyOrder(
                        key("2026-05-04T08:00:00Z", "COMPLETED", "Completed"),
                        key("2026-05-04T13:00:00Z", "SCHEDULED", "Scheduled"));
        assertThat(HistoryResponse.diff(after, after).upserts()).isEmpty();
        assertThat(HistoryResponse.diff(after, after).tombstones()).isEmpty();
        assertThat(HistoryResponse.diff(new LinkedHashMap<>(), after).upserts()).hasSize(after.size());
    }

    @Test
    void shouldPublishNothingForAnAnswerThatIsNotAList() throws IOException {
        assertThat(HistoryResponse.parse(ServerMessage.READER.readTree("{\"detail\":\"x\"}"), WS))
                .isEmpty();
    }

    @Test
    void shouldWriteSortedKeysAndTheDocumentedValue() {
        HistoryBucket cell = new HistoryBucket(
                key("2026-05-04T10:00:00Z", "FAILED", "Failed"),
                1,
                new BigDecimal("764.694557"),
                new BigDecimal("3.210774"),
                Instant.parse("2026-05-04T11:00:00Z"));

        assertThat(cell.key().toJson())
                .isEqualTo("{\"interval_start\":\"2026-05-04T10:00:00Z\",\"state_name\":\"Failed\","
                        + "\"state_type\":\"FAILED\",\"workspace\":\"prefect:4200\"}");
        assertThat(cell.toJson(Instant.parse("2026-05-04T11:30:00Z")))
                .isEqualTo("{\"count_runs\":1,\"interval_end\":\"2026-05-04T11:00:00Z\","
                        + "\"interval_start\":\"2026-05-04T10:00:00Z\",\"polled_at\":\"2026-05-04T11:30:00Z\","
                        + "\"schema_version\":1,\"state_name\":\"Failed\",\"state_type\":\"FAILED\","
                        + "\"sum_estimated_lateness\":3.210774,\"sum_estimated_run_time\":764.694557,"
                        + "\"workspace\":\"prefect:4200\"}");
    }

    @Test
    void shouldAlignTheStartToTheBucket() {
        assertThat(HistoryPoller.alignedStart(
                        Instant.parse("2026-05-05T09:27:13Z"),
                        java.time.Duration.ofHours(24),
                        java.time.Duration.ofHours(1)))
                .isEqualTo(Instant.parse("2026-05-04T09:00:00Z"));
    }
}
