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
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology fed with real Prefect events, checked on every output topic. */
class FlowRunTopologyTest {

    private static final SeriesLabels ETL = new SeriesLabels("etl-orders", "hourly-sync", "k8s-prod");
    private static final Map<String, String> FLOW = Map.of("flow", "etl-orders");
    private static final Map<String, String> DEPLOYMENT = Map.of("flow", "etl-orders", "deployment", "hourly-sync");
    private static final long FIVE_MINUTES = 300;

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
        assertThat(run.tags()).containsExactly("etl", "prod");

        assertThat(harness.stateTotals())
                .containsOnly(
                        Map.entry(
                                series(StateType.SCHEDULED, "Scheduled"),
                                new StateTotal(series(StateType.SCHEDULED, "Scheduled"), 1)),
                        Map.entry(
                                series(StateType.PENDING, "Pending"),
                                new StateTotal(series(StateType.PENDING, "Pending"), 1)),
                        Map.entry(
                                series(StateType.PENDING, "Submitting"),
                                new StateTotal(series(StateType.PENDING, "Submitting"), 1)),
                        Map.entry(
                                series(StateType.RUNNING, "Running"),
                                new StateTotal(series(StateType.RUNNING, "Running"), 1)),
                        Map.entry(
                                series(StateType.COMPLETED, "Completed"),
                                new StateTotal(series(StateType.COMPLETED, "Completed"), 1)));

        FinishedTotal completed = harness.finishedTotals().get(new FinishedSeries(ETL, StateType.COMPLETED));
        assertThat(completed.count()).isEqualTo(1);
        assertThat(completed.histogram().sumSeconds()).isCloseTo(152.441382, within(1e-6));
        // 152.44 s falls in the (120, 300] bucket, the seventh slot
        assertThat(completed.histogram().counts()[6]).isEqualTo(1);
    }

    @Test
    void shouldCountARedeliveredTerminalEventOnce() {
        List<ObjectNode> lifecycle = crimsonFoxLifecycle();
        harness.pipeAll(lifecycle);
        harness.pipe(lifecycle.get(4));
        harness.pipe(lifecycle.get(4));

        assertThat(harness.transitions()).hasSize(5);
        assertThat(harness.finishedRuns()).hasSize(1);
        assertThat(harness.stateTotals()
                        .get(series(StateType.COMPLETED, "Completed"))
                        .count())
                .isEqualTo(1);
        FinishedTotal completed = harness.finishedTotals().get(new FinishedSeries(ETL, StateType.COMPLETED));
        assertThat(completed.count()).isEqualTo(1);
        assertThat(completed.histogram().count()).isEqualTo(1);
        assertThat(harness.windowStats()
                        .get(new WindowKey("flow", FLOW, Instant.parse("2026-05-04T09:05:00Z"), FIVE_MINUTES))
                        .finishedTotal())
                .isEqualTo(1);
        assertThat(harness.counter("flowpulse.streams.duplicates.dropped")).isEqualTo(2.0);
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
    void shouldSumBothRunningSpansOfARetriedRun() {
        String run = "019df300-bbbb-7000-8000-000000000002";
        Instant t0 = Instant.parse("2026-05-04T14:00:00Z");
        harness.pipeAll(retriedRun(run, 11, t0));

        // Running 14:00:00 -> AwaitingRetry 14:00:30: 30 s; Retrying 14:01:30 -> Completed 14:02:15: 45 s
        FinishedFlowRun finished = harness.finishedRuns().get(0);
        assertThat(finished.totalRunTimeSeconds()).isEqualTo(75.0);
        assertThat(finished.startTime()).isEqualTo(t0);
        Map<StateSeries, StateTotal> totals = harness.stateTotals();
        assertThat(totals.get(series(StateType.SCHEDULED, "AwaitingRetry")).count())
                .isEqualTo(1);
        assertThat(totals.get(series(StateType.RUNNING, "Retrying")).count()).isEqualTo(1);
        assertThat(totals.get(series(StateType.RUNNING, "Running")).count()).isEqualTo(1);
        assertThat(harness.finishedTotals()
                        .get(new FinishedSeries(ETL, StateType.COMPLETED))
                        .histogram()
                        .sumSeconds())
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
        FinishedTotal cancelled = harness.finishedTotals().get(new FinishedSeries(ETL, StateType.CANCELLED));
        assertThat(cancelled.count()).isEqualTo(1);
    }

    @Test
    void shouldCountStatesPerFlowAndDeploymentInEventTimeWindows() {
        // Window size 5 min, grace 15 min; windows by event time (occurred), not by record time.
        //
        //  09:00                         09:05                                   09:10
        //   |-- Scheduled 09:00:00.12      |-- Pending 09:05:01.48
        //   |-- Scheduled 09:01:00 *       |-- Submitting 09:05:01.61
        //   |                              |-- Running 09:05:09.87
        //   |                              |-- Completed 09:07:42.32
        //  * another run of etl-orders without a deployment: flow window only
        harness.pipeAll(crimsonFoxLifecycle());
        String adHoc = "019df300-bbbb-7000-8000-000000000003";
        harness.pipe(derive(
                without(sample("Scheduled"), "deployment"), adHoc, eventId(31), Instant.parse("2026-05-04T09:01:00Z")));

        Map<WindowKey, WindowStats> stats = harness.windowStats();
        Instant nine = Instant.parse("2026-05-04T09:00:00Z");
        Instant nineFive = Instant.parse("2026-05-04T09:05:00Z");
        assertThat(stats.keySet())
                .containsExactlyInAnyOrder(
                        new WindowKey("flow", FLOW, nine, FIVE_MINUTES),
                        new WindowKey("flow", FLOW, nineFive, FIVE_MINUTES),
                        new WindowKey("deployment", DEPLOYMENT, nine, FIVE_MINUTES),
                        new WindowKey("deployment", DEPLOYMENT, nineFive, FIVE_MINUTES));

        assertThat(stats.get(new WindowKey("flow", FLOW, nine, FIVE_MINUTES)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 2L));
        assertThat(stats.get(new WindowKey("deployment", DEPLOYMENT, nine, FIVE_MINUTES))
                        .stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 1L));
        WindowStats flowNineFive = stats.get(new WindowKey("flow", FLOW, nineFive, FIVE_MINUTES));
        assertThat(flowNineFive.stateCounts()).isEqualTo(Map.of("PENDING", 2L, "RUNNING", 1L, "COMPLETED", 1L));
        assertThat(flowNineFive.finishedCounts()).isEqualTo(Map.of("COMPLETED", 1L));
        assertThat(flowNineFive.maxDurationSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(stats.get(new WindowKey("deployment", DEPLOYMENT, nineFive, FIVE_MINUTES)))
                .isEqualTo(flowNineFive);
        assertThat(stats.get(new WindowKey("flow", FLOW, nine, FIVE_MINUTES)).failureRatio())
                .isNull();
    }

    @Test
    void shouldComputeTheFailureRatioOfAWindow() {
        // All four outcomes moved into one window; CANCELLED is finished but not a failure.
        //
        //  13:00                                                  13:05
        //   |-- Failed 13:01 (brave-otter)    |-- Cancelled 13:03 (polite-lemur)
        //   |-- Crashed 13:02 (lively-heron)  |-- Completed 13:04 (crimson-fox)
        Instant one = Instant.parse("2026-05-04T13:00:00Z");
        harness.pipeAll(List.of(
                at(sample("Failed"), one.plusSeconds(60)),
                at(sample("Crashed"), one.plusSeconds(120)),
                at(sample("Cancelled"), one.plusSeconds(180)),
                at(sample("Completed"), one.plusSeconds(240))));
        // Terminal events alone prove their runs' RUNNING states missing: the finishes wait, then are
        // forced, still windowed by each terminal's occurred.
        assertThat(harness.windowStats()
                        .get(new WindowKey("flow", FLOW, one, FIVE_MINUTES))
                        .finishedTotal())
                .isZero();
        harness.advanceWallClock(TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT);

        WindowStats stats = harness.windowStats().get(new WindowKey("flow", FLOW, one, FIVE_MINUTES));
        assertThat(stats.finishedTotal()).isEqualTo(4);
        assertThat(stats.failedTotal()).isEqualTo(2);
        // (FAILED 1 + CRASHED 1) / finished 4
        assertThat(stats.failureRatio()).isEqualTo(0.5);
        assertThat(harness.finishedRuns())
                .extracting(FinishedFlowRun::flowRunId)
                .containsExactlyInAnyOrder(BRAVE_OTTER, LIVELY_HERON, POLITE_LEMUR, CRIMSON_FOX);
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isEqualTo(4.0);
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
    void shouldForgetRunsIdleForLongerThanTheRetention() {
        harness.pipeAll(crimsonFoxLifecycle());
        harness.advanceWallClock(Duration.ofDays(6));
        assertThat(harness.runState().get(CRIMSON_FOX)).isNotNull();

        harness.advanceWallClock(Duration.ofDays(1).plusMinutes(10));

        assertThat(harness.runState().get(CRIMSON_FOX)).isNull();
        assertThat(harness.counter("flowpulse.streams.runs.purged")).isEqualTo(1.0);
    }

    @Test
    void shouldKeepTheSeriesLabelsOfEachFinishedRun() {
        harness.pipeAll(crimsonFoxLifecycle());
        harness.pipe(sample("Failed"));
        harness.advanceWallClock(TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT); // brave-otter's Running never came

        assertThat(harness.finishedTotals().keySet().stream()
                        .map(FinishedSeries::stateType)
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(StateType.COMPLETED, StateType.FAILED);
    }
}
