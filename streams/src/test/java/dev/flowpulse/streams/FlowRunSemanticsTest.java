package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.CRIMSON_FOX;
import static dev.flowpulse.streams.SampleEvents.POLITE_LEMUR;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.refinishedRun;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-run semantics of "Measured today" (issue 7), on the whole topology: finishes wait by
 * pipeline time, unknown durations are counted apart, re-finishes and out-of-order terminal states
 * follow Prefect's current state, unfinished runs are kept, in-progress runs and stuck flags.
 */
class FlowRunSemanticsTest {

    private static final SeriesLabels ETL =
            new SeriesLabels(SampleEvents.WORKSPACE, "etl-orders", "hourly-sync", "k8s-prod");
    private static final FinishedSeries COMPLETED = new FinishedSeries(ETL, StateType.COMPLETED);
    private static final Duration SETTLE = TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT;
    private static final Instant FOX_COMPLETED = Instant.parse("2026-05-04T09:07:42.315502Z");
    private static final String OTHER = "019df300-cccc-7000-8000-000000000001";

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

    @Test
    void shouldHoldBackAFinishUntilTheRunningStateArrives() {
        // arrival:  Completed 09:07:42 | Scheduled, Pending, Submitting | Running 09:05:09
        //           (follows Running: unseen)                             -> finish, 152.44 s
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipe(fox.get(4));
        harness.pipeAll(fox.subList(0, 3));
        assertThat(harness.finishedRuns()).isEmpty();

        harness.pipe(fox.get(3));

        List<TestRecord<String, FinishedFlowRun>> finished = harness.finishedRunRecords();
        assertThat(finished).singleElement().satisfies(r -> {
            assertThat(r.value().totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6));
            assertThat(r.timestamp()).isEqualTo(FOX_COMPLETED.toEpochMilli());
        });
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isZero();
    }

    @Test
    void shouldNotForceAFinishWhileABacklogIsReadWhateverTheWallClock() {
        // A streams outage, then its backlog: the wall clock runs 20 min while records keep coming,
        // but their event time (another run, 09:08..09:18) never passes Completed + 15 min = 09:22:42.
        //
        //   event time  09:07:42 Completed (Running unseen) ... 09:18 backlog ... Running 09:05:09 arrives
        //   wall clock  +0 .................................... +20 min ......... finish, known duration
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipe(fox.get(4));
        for (int i = 0; i < 40; i++) {
            harness.advanceWallClock(Duration.ofSeconds(30));
            harness.pipe(derive(sample("Scheduled"), OTHER, eventId(100 + i), FOX_COMPLETED.plusSeconds(15L * i)));
        }
        assertThat(harness.finishedRuns()).isEmpty();

        harness.pipe(fox.get(3));

        assertThat(harness.finishedRuns())
                .singleElement()
                .extracting(FinishedFlowRun::totalRunTimeSeconds)
                .isEqualTo(152.441382);
    }

    @Test
    void shouldFinishALateTerminalWithAnUnknownDurationWhenThePipelineIsPastItsSettleTime() {
        // polite-lemur: Running 12:30:00, Cancelling 12:31:00.50, Cancelled 12:31:04.77 -> known at once.
        // brave-otter: Failed 10:12:47 alone (it left RUNNING; no Running seen), arriving when the
        // pipeline time is already past its settle time -> finished at once, duration unknown.
        harness.pipe(derive(sample("Running"), POLITE_LEMUR, eventId(1), Instant.parse("2026-05-04T12:30:00Z")));
        harness.pipe(sample("Cancelling"));
        harness.pipe(sample("Cancelled"));
        assertThat(harness.finishedRuns())
                .extracting(FinishedFlowRun::flowRunId)
                .containsExactly(POLITE_LEMUR);

        // The pipeline has read up to 12:31:04.77: Failed (due 10:27:47) is settled on arrival.
        harness.pipe(sample("Failed"));

        FinishedFlowRun failed = harness.finishedRuns().get(0);
        assertThat(failed.stateType()).isEqualTo(StateType.FAILED);
        assertThat(failed.totalRunTimeSeconds()).isNull();
        assertThat(failed.durationKnown()).isFalse();
        FinishedTotal failedTotal = harness.finishedTotals().get(new FinishedSeries(ETL, StateType.FAILED));
        // counted apart, not as 0 s in the lowest bucket
        assertThat(failedTotal.count()).isEqualTo(1);
        assertThat(failedTotal.unknownDurationCount()).isEqualTo(1);
        assertThat(failedTotal.histogram().count()).isZero();
        assertThat(harness.registry.scrape()).contains("flowpulse_streams_finishes_forced_total 1.0");
    }

    @Test
    void shouldForceByIdleTimeWhenNothingElseArrives() {
        //   event time 09:07:42 Completed (Running unseen), then nothing: idle 15 min of wall clock.
        harness.pipe(crimsonFoxLifecycle().get(4));
        harness.advanceWallClock(SETTLE.minusSeconds(2));
        assertThat(harness.finishedRuns()).isEmpty();

        harness.advanceWallClock(Duration.ofSeconds(2));

        assertThat(harness.finishedRuns())
                .singleElement()
                .extracting(FinishedFlowRun::durationKnown)
                .isEqualTo(false);
    }

    @Test
    void shouldCountARunRetriedAfterItFailedAsAReFinish() {
        // Running 14:00 -> Failed 14:01 -> AwaitingRetry 14:02 -> Retrying 14:03 -> Completed 14:04
        harness.pipeAll(refinishedRun(CRIMSON_FOX, 1, Instant.parse("2026-05-04T14:00:00Z")));

        Map<FinishedSeries, FinishedTotal> totals = harness.finishedTotals();
        assertThat(totals.get(new FinishedSeries(ETL, StateType.FAILED)).count())
                .isEqualTo(1);
        assertThat(totals.get(COMPLETED).count()).isEqualTo(1);
        // the finished-runs table ends with the run's current state
        List<FinishedFlowRun> table = harness.finishedRuns();
        assertThat(table.get(table.size() - 1).stateType()).isEqualTo(StateType.COMPLETED);
        assertThat(table.get(table.size() - 1).finishNumber()).isEqualTo(2);
        assertThat(harness.registry.scrape()).contains("flowpulse_streams_runs_refinished_total 1.0");
    }

    @Test
    void shouldMakeTheLaterTerminalByOccurredTheRunsStateNotTheFirstToArrive() {
        // arrival: Running, Retrying, Completed 14:04, AwaitingRetry, Failed 14:01
        List<ObjectNode> run = refinishedRun(CRIMSON_FOX, 1, Instant.parse("2026-05-04T14:00:00Z"));
        harness.pipeAll(List.of(run.get(0), run.get(3), run.get(4), run.get(2), run.get(1)));

        List<FinishedFlowRun> table = harness.finishedRuns();
        assertThat(table.get(table.size() - 1).stateType()).isEqualTo(StateType.COMPLETED);
        assertThat(harness.finishedTotals().get(COMPLETED).histogram().sumSeconds())
                .isEqualTo(120.0);
    }

    @Test
    void shouldCountATerminalRedeliveredWhileHeldAndAfterTheFinishOnce() {
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipe(fox.get(4));
        harness.pipe(fox.get(4));
        harness.pipeAll(fox.subList(0, 4));
        harness.pipe(fox.get(4));
        harness.advanceWallClock(SETTLE);

        assertThat(harness.finishedRuns()).hasSize(1);
        assertThat(harness.finishedTotals().get(COMPLETED).count()).isEqualTo(1);
        assertThat(harness.stateTotals()
                        .get(new StateSeries(ETL, StateType.COMPLETED, "Completed"))
                        .count())
                .isEqualTo(1);
        assertThat(harness.counter("flowpulse.streams.duplicates.dropped")).isEqualTo(2.0);
    }

    @Test
    void shouldKeepAnUnfinishedRunForeverAndForgetAFinishedOneAfterTheRetention() {
        // polite-lemur RUNNING since 12:30 and never finishes; crimson-fox completed 09:07:42.
        harness.pipe(derive(sample("Running"), POLITE_LEMUR, eventId(1), Instant.parse("2026-05-04T12:30:00Z")));
        harness.pipeAll(crimsonFoxLifecycle());
        harness.advanceWallClock(Duration.ofDays(6));
        assertThat(harness.runState().get(CRIMSON_FOX)).isNotNull();

        harness.advanceWallClock(Duration.ofDays(2));

        assertThat(harness.runState().get(CRIMSON_FOX)).isNull();
        assertThat(harness.runState().get(POLITE_LEMUR)).isNotNull();
        assertThat(harness.counter("flowpulse.streams.runs.purged")).isEqualTo(1.0);
    }

    @Test
    void shouldPublishInProgressRunsAndTombstoneThemWhenTheyFinish() {
        harness.pipeAll(crimsonFoxLifecycle());

        List<KeyValue<String, InProgressRun>> changes = harness.inProgress();
        assertThat(changes).extracting(kv -> kv.key).containsOnly(CRIMSON_FOX);
        assertThat(changes)
                .extracting(kv -> kv.value == null ? null : kv.value.stateName())
                .containsExactly("Scheduled", "Pending", "Submitting", "Running", null);
    }

    @Test
    void shouldFlagARunStuckWhileItStaysRunningLongerThanTheThreshold() {
        //   Running 12:30 (polite-lemur, deployment hourly-sync) ... 1 h idle ... stuck: true
        harness.pipe(derive(sample("Running"), POLITE_LEMUR, eventId(1), Instant.parse("2026-05-04T12:30:00Z")));
        harness.inProgress();
        harness.advanceWallClock(Duration.ofMinutes(59));
        assertThat(harness.inProgress()).isEmpty();

        harness.advanceWallClock(Duration.ofMinutes(1));

        assertThat(harness.inProgress()).singleElement().satisfies(kv -> {
            assertThat(kv.value.stuck()).isTrue();
            assertThat(kv.value.stateType()).isEqualTo(StateType.RUNNING);
            assertThat(kv.value.stuckAfterSeconds()).isEqualTo(3600);
        });
        assertThat(harness.registry.scrape()).contains("flowpulse_streams_runs_stuck_total 1.0");
    }

    @Test
    void shouldApplyAPerDeploymentStuckThreshold() {
        harness.close();
        harness = new TopologyHarness(
                stateDir,
                TopologySettings.defaults()
                        .withStuckAfter(Duration.ofMinutes(30), Map.of("hourly-sync", Duration.ofHours(4))));
        harness.pipe(derive(sample("Running"), POLITE_LEMUR, eventId(1), Instant.parse("2026-05-04T12:30:00Z")));
        harness.inProgress();

        harness.advanceWallClock(Duration.ofHours(3));
        assertThat(harness.inProgress()).isEmpty();
        harness.advanceWallClock(Duration.ofHours(1));
        assertThat(harness.inProgress())
                .singleElement()
                .satisfies(kv -> assertThat(kv.value.stuck()).isTrue());
    }
}
