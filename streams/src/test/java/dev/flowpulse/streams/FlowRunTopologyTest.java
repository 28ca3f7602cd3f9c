package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.BRAVE_OTTER;
import static dev.flowpulse.streams.SampleEvents.CRIMSON_FOX;
import static dev.flowpulse.streams.SampleEvents.LIVELY_HERON;
import static dev.flowpulse.streams.SampleEvents.POLITE_LEMUR;
import static dev.flowpulse.streams.SampleEvents.at;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.retriedRun;
import static dev.flowpulse.streams.SampleEvents.sample;
import static dev.flowpulse.streams.SampleEvents.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology fed with real Prefect events, checked on the transition, finish and totals topics. */
class FlowRunTopologyTest {

    private static final SeriesLabels ETL =
            new SeriesLabels(SampleEvents.WORKSPACE, "etl-orders", "hourly-sync", "k8s-prod");

    @TempDir
    Path stateDir;

    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static StateSeries series(StateType type, String name) {
        return new StateSeries(ETL, type, name);
    }

    @Test
    void shouldTurnTheCrimsonFoxLifecycleIntoFiveTransitionsAndOneFinishedRun() {
        harness.pipeAll(crimsonFoxLifecycle());

        List<FlowRunTransition> transitions = harness.transitions();
        assertThat(transitions)
                .extracting(t -> t.event().stateName())
                .containsExactly("Scheduled", "Pending", "Submitting", "Running", "Completed");
        assertThat(transitions)
                .extracting(FlowRunTransition::finishesRun)
                .containsExactly(false, false, false, false, true);
        assertThat(transitions.get(0).event().workspace()).isEqualTo(SampleEvents.WORKSPACE);

        List<FinishedFlowRun> finished = harness.finishedRuns();
        assertThat(finished).hasSize(1);
        FinishedFlowRun run = finished.get(0);
        // Completed 2026-05-04T09:07:42.315502Z - Running 2026-05-04T09:05:09.874120Z
        //   = 2 min 32.441382 s = 152.441382 s
        assertThat(run.totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(run.flowRunId()).isEqualTo(CRIMSON_FOX);
        assertThat(run.flowRunName()).isEqualTo("crimson-fox");
        assertThat(run.startTime()).isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
        assertThat(run.endTime()).isEqualTo(Instant.parse("2026-05-04T09:07:42.315502Z"));
        assertThat(run.runCount()).isEqualTo(1);
        assertThat(run.finishNumber()).isEqualTo(1);
        assertThat(run.tags()).containsExactly("etl", "prod");

        Map<StateSeries, StateTotal> totals = harness.stateTotals();
        assertThat(totals).hasSize(5);
        assertThat(totals.values())
                .allSatisfy(total -> assertThat(total.count()).isEqualTo(1));
        assertThat(totals).containsKeys(series(StateType.PENDING, "Submitting"), series(StateType.RUNNING, "Running"));

        FinishedTotal completed = harness.finishedTotals().get(new FinishedSeries(ETL, StateType.COMPLETED));
        assertThat(completed.count()).isEqualTo(1);
        assertThat(completed.unknownDurationCount()).isZero();
        assertThat(completed.histogram().sumSeconds()).isCloseTo(152.441382, within(1e-6));
        // 152.44 s falls in the (120, 300] bucket, the seventh slot
        assertThat(completed.histogram().counts()[6]).isEqualTo(1);
    }

    @Test
    void shouldOrderEventsThatArriveOutOfOrderByOccurred() {
        String run = "019df300-bbbb-7000-8000-000000000001";
        // Running 14:00:00, AwaitingRetry 14:00:30, Retrying 14:01:30, Completed 14:02:15
        List<ObjectNode> retried = retriedRun(run, 1, Instant.parse("2026-05-04T14:00:00Z"));

        // AwaitingRetry arrives after Retrying, but before the run completes.
        harness.pipeAll(List.of(retried.get(0), retried.get(2), retried.get(1), retried.get(3)));

        assertThat(harness.transitions())
                .extracting(t -> t.event().stateName())
                .containsExactly("Running", "Retrying", "AwaitingRetry", "Completed");
        // (14:00:30 - 14:00:00) + (14:02:15 - 14:01:30) = 30 s + 45 s; arrival order would give 90 s + 45 s
        assertThat(harness.finishedRuns())
                .singleElement()
                .extracting(FinishedFlowRun::totalRunTimeSeconds)
                .isEqualTo(75.0);
    }

    @Test
    void shouldCountRunningToCancellingButNotCancellingToCancelled() {
        harness.pipeAll(List.of(
                derive(sample("Running"), POLITE_LEMUR, eventId(21), Instant.parse("2026-05-04T12:30:00Z")),
                sample("Cancelling"),
                sample("Cancelled")));

        // Cancelling 12:31:00.500112 - Running 12:30:00 = 60.500112 s;
        // the 4.271791 s from Cancelling to Cancelled 12:31:04.771903 are not running time
        FinishedFlowRun finished = harness.finishedRuns().get(0);
        assertThat(finished.stateType()).isEqualTo(StateType.CANCELLED);
        assertThat(finished.totalRunTimeSeconds()).isCloseTo(60.500112, within(1e-6));
    }

    @Test
    void shouldKeepTheSeriesLabelsOfEachFinishedRun() {
        harness.pipeAll(crimsonFoxLifecycle());
        harness.pipe(at(sample("Failed"), Instant.parse("2026-05-04T09:07:00Z")));
        harness.pipe(at(sample("Crashed"), Instant.parse("2026-05-04T09:07:30Z")));
        harness.advanceWallClock(TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT);

        assertThat(harness.finishedTotals().keySet().stream()
                        .map(FinishedSeries::stateType)
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(StateType.COMPLETED, StateType.FAILED, StateType.CRASHED);
        assertThat(harness.finishedRuns())
                .extracting(FinishedFlowRun::flowRunId)
                .containsExactlyInAnyOrder(CRIMSON_FOX, BRAVE_OTTER, LIVELY_HERON);
    }

    @Test
    void shouldDeadLetterBadRecordsAndKeepProcessing() {
        byte[] malformed = "{\"occurred\": \"2026-05-04T09:05:09Z\", \"event\": ".getBytes(StandardCharsets.UTF_8);
        ObjectNode exploded = sample("Running");
        ((ObjectNode) exploded.get("resource")).put("prefect.state-type", "EXPLODED");
        byte[] explodedBytes = SampleEvents.bytes(exploded);
        byte[] runningBytes = PrefectSamples.bytes("events/flow-run-Running.json");

        harness.pipe(CRIMSON_FOX, malformed); // offset 0
        harness.pipe(CRIMSON_FOX, explodedBytes); // offset 1
        harness.pipe(BRAVE_OTTER, runningBytes); // offset 2: keyed by another run
        harness.pipeAll(crimsonFoxLifecycle()); // offsets 3..7

        assertThat(harness.transitions()).hasSize(5);
        List<TestRecord<String, byte[]>> dead = harness.deadLetters();
        assertThat(dead).hasSize(3);
        assertDeadLetter(dead.get(0), CRIMSON_FOX, malformed, FlowRunEventParser.MALFORMED_JSON, 0);
        assertDeadLetter(dead.get(1), CRIMSON_FOX, explodedBytes, FlowRunEventParser.UNKNOWN_STATE_TYPE, 1);
        assertDeadLetter(dead.get(2), BRAVE_OTTER, runningBytes, "key-mismatch", 2);
        assertThat(DeadLetters.get(dead.get(1).headers(), HeaderNames.DLQ_DETAIL))
                .contains("EXPLODED");

        String scrape = harness.registry.scrape();
        assertThat(scrape).contains("flowpulse_streams_dead_letters_total{reason=\"malformed-json\"} 1.0");
        assertThat(scrape).contains("flowpulse_streams_dead_letters_total{reason=\"unknown-state-type\"} 1.0");
        assertThat(scrape).contains("flowpulse_streams_dead_letters_total{reason=\"key-mismatch\"} 1.0");
    }

    private void assertDeadLetter(
            TestRecord<String, byte[]> record, String key, byte[] value, String reason, long offset) {
        assertThat(record.key()).isEqualTo(key);
        assertThat(record.value()).isEqualTo(value);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_REASON)).isEqualTo(reason);
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_STAGE)).isEqualTo("streams");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_SOURCE_TOPIC))
                .isEqualTo(harness.topics.rawEvents());
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_SOURCE_PARTITION))
                .isEqualTo("0");
        assertThat(DeadLetters.get(record.headers(), HeaderNames.DLQ_SOURCE_OFFSET))
                .isEqualTo(Long.toString(offset));
        assertThat(DeadLetters.get(record.headers(), HeaderNames.WORKSPACE)).isEqualTo(SampleEvents.WORKSPACE);
    }

    @Test
    void shouldIgnoreHeartbeats() {
        harness.pipe(sample("heartbeat"));

        assertThat(harness.transitions()).isEmpty();
        assertThat(harness.deadLetters()).isEmpty();
        assertThat(harness.counter("flowpulse.streams.events.ignored")).isEqualTo(1.0);
        assertThat(harness.registry.scrape()).contains("flowpulse_streams_events_ignored_total 1.0");
    }

    @Test
    void shouldCountAStateEnteredWithoutADeploymentUnderEmptyLabels() {
        harness.pipe(derive(
                without(sample("Scheduled"), "deployment"),
                "019df300-bbbb-7000-8000-000000000003",
                eventId(31),
                Instant.parse("2026-05-04T09:01:00Z")));

        assertThat(harness.stateTotals())
                .containsOnlyKeys(new StateSeries(
                        new SeriesLabels(SampleEvents.WORKSPACE, "etl-orders", "", "k8s-prod"),
                        StateType.SCHEDULED,
                        "Scheduled"));
    }
}
