package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.CRIMSON_FOX;
import static dev.flowpulse.streams.SampleEvents.POLITE_LEMUR;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.runCount;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunTransition;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's finish waits while its terminal event proves earlier states missing, and is published
 * once: when the gap fills, or forced after the settle timeout (default 2 min of wall clock).
 */
class FlowRunFinishSettleTest {

    private static final SeriesLabels ETL = new SeriesLabels("etl-orders", "hourly-sync", "k8s-prod");
    private static final FinishedSeries COMPLETED = new FinishedSeries(ETL, StateType.COMPLETED);
    private static final Duration SETTLE = TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT;
    private static final Instant CRIMSON_FOX_COMPLETED = Instant.parse("2026-05-04T09:07:42.315502Z");

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
        // crimson-fox delivered Completed first: it follows Running (019df23b-f8f2-...), not yet seen.
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipe(fox.get(4));
        harness.pipeAll(fox.subList(0, 3)); // Scheduled, Pending, Submitting

        assertThat(harness.finishedRuns()).isEmpty();
        assertThat(harness.finishedTotals()).isEmpty();
        assertThat(harness.pendingFinishes().get(CRIMSON_FOX)).isNotNull();

        harness.pipe(fox.get(3)); // Running

        List<TestRecord<String, FinishedFlowRun>> finished = harness.finishedRunRecords();
        assertThat(finished).hasSize(1);
        // Completed 09:07:42.315502 - Running 09:05:09.874120 = 2 min 32.441382 s = 152.441382 s
        // (finished at once on arrival it would have been 0 s: no RUNNING state known)
        assertThat(finished.get(0).value().totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(finished.get(0).value().startTime()).isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
        assertThat(finished.get(0).timestamp()).isEqualTo(CRIMSON_FOX_COMPLETED.toEpochMilli());
        FinishedTotal completed = harness.finishedTotals().get(COMPLETED);
        assertThat(completed.count()).isEqualTo(1);
        assertThat(completed.histogram().sumSeconds()).isCloseTo(152.441382, within(1e-6));

        // Transitions and state totals are unaffected: one per state, finishes_run on Completed only.
        List<FlowRunTransition> transitions = harness.transitions();
        assertThat(transitions)
                .extracting(t -> t.event().stateName())
                .containsExactly("Completed", "Scheduled", "Pending", "Submitting", "Running");
        assertThat(transitions)
                .extracting(FlowRunTransition::finishesRun)
                .containsExactly(true, false, false, false, false);
        assertThat(harness.stateTotals().values())
                .extracting(StateTotal::count)
                .containsOnly(1L)
                .hasSize(5);

        // The finish lands in the window of Completed (09:05-09:10) with the full duration.
        WindowStats window = harness.windowStats()
                .get(new WindowKey("flow", Map.of("flow", "etl-orders"), Instant.parse("2026-05-04T09:05:00Z"), 300));
        assertThat(window.finishedCounts()).isEqualTo(Map.of("COMPLETED", 1L));
        assertThat(window.maxDurationSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(window.stateCounts()).isEqualTo(Map.of("PENDING", 2L, "RUNNING", 1L, "COMPLETED", 1L));

        assertThat(harness.pendingFinishes().get(CRIMSON_FOX)).isNull();
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isZero();
    }

    @Test
    void shouldForceAFinishWhoseFollowedStateNeverArrivesAfterTheSettleTimeout() {
        // polite-lemur: Running 12:30:00 (derived), then Cancelled 12:31:04.771903, which follows
        // Cancelling (019df2f8-6d94-...): that event is never delivered.
        harness.pipe(derive(sample("Running"), POLITE_LEMUR, eventId(1), Instant.parse("2026-05-04T12:30:00Z")));
        harness.pipe(sample("Cancelled"));

        harness.advanceWallClock(SETTLE.minusSeconds(10));
        assertThat(harness.finishedRuns()).isEmpty();

        harness.advanceWallClock(Duration.ofSeconds(10));
        List<TestRecord<String, FinishedFlowRun>> forced = harness.finishedRunRecords();
        assertThat(forced).hasSize(1);
        FinishedFlowRun run = forced.get(0).value();
        assertThat(run.flowRunId()).isEqualTo(POLITE_LEMUR);
        assertThat(run.stateType()).isEqualTo(StateType.CANCELLED);
        // What is known: Cancelled 12:31:04.771903 - Running 12:30:00 = 64.771903 s (the 4.27 s in the
        // missing Cancelling would not have counted)
        assertThat(run.totalRunTimeSeconds()).isCloseTo(64.771903, within(1e-6));
        assertThat(forced.get(0).timestamp())
                .isEqualTo(Instant.parse("2026-05-04T12:31:04.771903Z").toEpochMilli());
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isEqualTo(1.0);
        assertThat(harness.registry.scrape()).contains("flowpulse_streams_finishes_forced_total 1.0");

        // Later: the missing Cancelling is a transition only; the run never finishes again.
        harness.pipe(sample("Cancelling"));
        harness.advanceWallClock(SETTLE.multipliedBy(2));
        assertThat(harness.finishedRuns()).isEmpty();
        assertThat(harness.finishedTotals())
                .hasSize(1)
                .allSatisfy((series, total) -> assertThat(total.count()).isEqualTo(1));
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isEqualTo(1.0);
        assertThat(harness.pendingFinishes().get(POLITE_LEMUR)).isNull();
    }

    @Test
    void shouldFinishAnInOrderLifecycleWithoutWaiting() {
        harness.pipeAll(crimsonFoxLifecycle());

        List<TestRecord<String, FinishedFlowRun>> finished = harness.finishedRunRecords();
        assertThat(finished).hasSize(1);
        assertThat(finished.get(0).timestamp()).isEqualTo(CRIMSON_FOX_COMPLETED.toEpochMilli());
        assertThat(harness.pendingFinishes().get(CRIMSON_FOX)).isNull();
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isZero();
    }

    @Test
    void shouldCountATerminalRedeliveredWhilePendingAndAfterTheFinishOnce() {
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipe(fox.get(4));
        harness.pipe(fox.get(4)); // redelivered while pending
        harness.pipeAll(fox.subList(0, 4));
        harness.pipe(fox.get(4)); // redelivered after the finish
        harness.advanceWallClock(SETTLE);

        assertThat(harness.finishedRuns()).hasSize(1);
        assertThat(harness.finishedTotals().get(COMPLETED).count()).isEqualTo(1);
        assertThat(harness.stateTotals()
                        .get(new StateSeries(ETL, StateType.COMPLETED, "Completed"))
                        .count())
                .isEqualTo(1);
        assertThat(harness.counter("flowpulse.streams.duplicates.dropped")).isEqualTo(2.0);
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isZero();
    }

    @Test
    void shouldNotFinishARunAgainOnItsSecondTerminalState() {
        // Completed (pending: Running unseen), then the run forced out to Running 09:10 and Failed 09:12
        // (run_count 2), then the rest of the lifecycle.
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipe(fox.get(4));
        harness.pipe(
                runCount(derive(sample("Running"), CRIMSON_FOX, eventId(1), Instant.parse("2026-05-04T09:10:00Z")), 2));
        harness.pipe(
                runCount(derive(sample("Failed"), CRIMSON_FOX, eventId(2), Instant.parse("2026-05-04T09:12:00Z")), 2));
        harness.pipeAll(fox.subList(0, 4));
        harness.advanceWallClock(SETTLE);

        assertThat(harness.transitions())
                .filteredOn(FlowRunTransition::finishesRun)
                .extracting(t -> t.event().stateName())
                .containsExactly("Completed");
        assertThat(harness.finishedRuns()).singleElement().satisfies(run -> {
            assertThat(run.stateType()).isEqualTo(StateType.COMPLETED);
            // up to Completed's occurred only: 09:07:42.315502 - 09:05:09.874120
            assertThat(run.totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6));
        });
        assertThat(harness.finishedTotals()).containsOnlyKeys(COMPLETED);
        assertThat(harness.stateTotals()
                        .get(new StateSeries(ETL, StateType.FAILED, "Failed"))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void shouldForceAPendingFinishBeforePurgingItsRun() {
        // A settle timeout longer than the retention: the purge must not drop the pending finish silently.
        harness.close();
        TopologySettings defaults = TopologySettings.defaults();
        harness = new TopologyHarness(
                stateDir,
                new TopologySettings(
                        defaults.windowSize(),
                        defaults.windowGrace(),
                        Duration.ofDays(1),
                        defaults.purgeInterval(),
                        defaults.maxStatesPerRun(),
                        Duration.ofDays(30)));
        harness.pipe(sample("Failed")); // brave-otter: left RUNNING, no Running seen

        harness.advanceWallClock(Duration.ofDays(1).plusMinutes(10));

        assertThat(harness.finishedRuns())
                .singleElement()
                .satisfies(run -> assertThat(run.stateType()).isEqualTo(StateType.FAILED));
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isEqualTo(1.0);
        assertThat(harness.counter("flowpulse.streams.runs.purged")).isEqualTo(1.0);
        assertThat(harness.pendingFinishes().get(SampleEvents.BRAVE_OTTER)).isNull();
    }
}
