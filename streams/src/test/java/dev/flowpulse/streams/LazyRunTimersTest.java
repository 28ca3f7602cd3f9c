package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.CRIMSON_FOX;
import static dev.flowpulse.streams.SampleEvents.POLITE_LEMUR;
import static dev.flowpulse.streams.SampleEvents.after;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.refinishedRun;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.streams.run.FlowRunStateProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy run timers (issue 7): a deadline that moves later keeps the run's earlier {@code run-timers}
 * entry, which fires early as a no-op and registers the deadline again; every rule still fires at
 * its actual deadline by pipeline time.
 */
class LazyRunTimersTest {

    private static final Duration STUCK_AFTER = TopologySettings.DEFAULT_STUCK_AFTER;
    private static final Duration SETTLE = TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT;
    private static final Duration RETENTION = TopologySettings.DEFAULT_RUN_STATE_RETENTION;
    private static final Instant T0 = Instant.parse("2026-05-04T12:30:00Z");
    private static final Instant FOX_COMPLETED = Instant.parse("2026-05-04T09:07:42.315502Z");
    /** The timer punctuation's wall-clock interval: the finest step that makes it run again. */
    private static final Duration PUNCTUATION = TopologySettings.defaults().timerInterval();

    private static final String TIMERS_CHANGELOG = "flowpulse-topology-test-run-timers-changelog";
    private static final String RUN_STATE_CHANGELOG = "flowpulse-topology-test-flow-run-state-changelog";

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

    /** Pending 12:30, Running 12:31, Retrying (RUNNING) 12:32 of polite-lemur, each following the previous. */
    private static List<ObjectNode> pendingRunningRetrying() {
        ObjectNode pending = derive(sample("Pending"), POLITE_LEMUR, eventId(1), T0);
        ObjectNode running = after(pending, "Running", "Running", eventId(2), T0.plusSeconds(60), 1);
        ObjectNode retrying = after(running, "Running", "Retrying", eventId(3), T0.plusSeconds(120), 2);
        return List.of(pending, running, retrying);
    }

    @Test
    void shouldWriteOneIndexEntryWhileTheStuckDeadlineMovesLater() {
        //   Pending 12:30 (stuck due 13:30) -> Running 12:31 (13:31) -> Retrying 12:32 (13:32)
        //   the 13:30 entry covers all three: nothing else is written to the index
        harness.pipeAll(pendingRunningRetrying());

        assertThat(timerEntries()).containsExactly(entry(T0.plus(STUCK_AFTER), "stuck", POLITE_LEMUR));
        assertThat(timerChangelogKeys()).containsExactly(entry(T0.plus(STUCK_AFTER), "stuck", POLITE_LEMUR));
    }

    @Test
    void shouldFireAnEarlyEntryAsANoOpAndRegisterTheActualDeadline() {
        //   event time 12:32 (Retrying) ... idle 58 min: pipeline 13:30, the stale entry fires
        //   -> no output, entry at 13:32 ... idle 2 min more: 13:32, stuck
        harness.pipeAll(pendingRunningRetrying());
        harness.inProgress();
        harness.transitions();

        harness.advanceWallClock(STUCK_AFTER.minusMinutes(2));

        assertThat(harness.inProgress()).isEmpty();
        assertThat(harness.transitions()).isEmpty();
        assertThat(harness.finishedRuns()).isEmpty();
        assertThat(harness.counter("flowpulse.streams.runs.stuck")).isZero();
        Instant actualDue = T0.plusSeconds(120).plus(STUCK_AFTER);
        assertThat(timerEntries()).containsExactly(entry(actualDue, "stuck", POLITE_LEMUR));

        assertFlaggedStuckAfterIdle(Duration.ofMinutes(2), "Retrying");
        assertThat(timerEntries()).isEmpty();
    }

    @Test
    void shouldNeverFlagARunStuckThatCompletedBeforeItsStaleEntryFired() {
        //   crimson-fox: Pending 09:0x (stuck entry) ... Completed 09:07:42 (purge entry)
        //   idle 2 h: the stuck entry fires for a finished run -> nothing
        harness.pipeAll(crimsonFoxLifecycle());
        List<String> before = timerEntries();
        assertThat(before).hasSize(2).contains(entry(FOX_COMPLETED.plus(RETENTION), "purge", CRIMSON_FOX));
        harness.inProgress();
        runStateChangelogKeys();

        harness.advanceWallClock(STUCK_AFTER.multipliedBy(2));

        assertThat(harness.inProgress()).isEmpty();
        assertThat(harness.counter("flowpulse.streams.runs.stuck")).isZero();
        assertThat(harness.runState().get(CRIMSON_FOX)).isNotNull();
        assertThat(timerEntries()).containsExactly(entry(FOX_COMPLETED.plus(RETENTION), "purge", CRIMSON_FOX));
        // nothing changed for the run: its history is not written again
        assertThat(runStateChangelogKeys()).isEmpty();
    }

    @Test
    void shouldRegisterAStuckEntryAgainWhenAFinishedRunWhoseStaleEntryFiredRunsAgain() {
        //   crimson-fox completed 09:07:42; its Pending entry fires at 10:0x (a no-op);
        //   Retrying at 12:07:42 (an automation retried it) -> stuck entry 13:07:42 -> stuck then
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipeAll(fox);
        harness.advanceWallClock(STUCK_AFTER.multipliedBy(2));
        Instant retrying = FOX_COMPLETED.plus(STUCK_AFTER.multipliedBy(3));
        harness.pipe(after(fox.get(4), "Running", "Retrying", eventId(10), retrying, 2));
        assertThat(timerEntries()).contains(entry(retrying.plus(STUCK_AFTER), "stuck", CRIMSON_FOX));
        harness.inProgress();

        assertFlaggedStuckAfterIdle(STUCK_AFTER, "Retrying");
    }

    @Test
    void shouldStillPurgeAFinishedRunAtItsRetention() {
        harness.pipeAll(crimsonFoxLifecycle());
        harness.advanceWallClock(STUCK_AFTER.multipliedBy(2));
        // pipeline time = Completed + 2 h; the purge is due at Completed + 7 d
        harness.advanceWallClock(RETENTION.minus(STUCK_AFTER.multipliedBy(2)).minus(PUNCTUATION));
        assertThat(harness.runState().get(CRIMSON_FOX)).isNotNull();

        harness.advanceWallClock(PUNCTUATION);

        assertThat(harness.runState().get(CRIMSON_FOX)).isNull();
        assertThat(harness.counter("flowpulse.streams.runs.purged")).isEqualTo(1.0);
        assertThat(timerEntries()).isEmpty();
    }

    @Test
    void shouldForceTheSettleAtTheActualDeadlineAfterItMovedLater() {
        //   arrival: Failed 14:01 (Running unseen: settle due 14:16) | Completed 14:04 (Retrying unseen)
        //            | Running 14:00 -> Failed known, published; earliest held: Completed, due 14:19
        //   idle: 14:16 the stale entry fires -> nothing; 14:19 Completed forced, duration unknown
        Instant t0 = Instant.parse("2026-05-04T14:00:00Z");
        List<ObjectNode> run = refinishedRun(CRIMSON_FOX, 1, t0);
        harness.pipe(run.get(1));
        harness.pipe(run.get(4));
        harness.pipe(run.get(0));
        assertThat(harness.finishedRuns())
                .extracting(FinishedFlowRun::stateType, FinishedFlowRun::durationKnown)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StateType.FAILED, true));
        Instant settleDue = t0.plusSeconds(240).plus(SETTLE);
        assertThat(timerEntries()).containsExactly(entry(t0.plusSeconds(60).plus(SETTLE), "settle", CRIMSON_FOX));

        // pipeline time is 14:04 (Completed): 12 min to the stale entry
        harness.advanceWallClock(Duration.ofMinutes(12));
        assertThat(harness.finishedRuns()).isEmpty();
        assertThat(timerEntries()).containsExactly(entry(settleDue, "settle", CRIMSON_FOX));

        harness.advanceWallClock(Duration.ofMinutes(3).minus(PUNCTUATION));
        assertThat(harness.finishedRuns()).isEmpty();

        harness.advanceWallClock(PUNCTUATION);

        assertThat(harness.finishedRuns())
                .extracting(FinishedFlowRun::stateType, FinishedFlowRun::durationKnown)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StateType.COMPLETED, false));
        assertThat(harness.counter("flowpulse.streams.finishes.forced")).isEqualTo(1.0);
    }

    /** Not stuck one punctuation before {@code idle} has passed, stuck (once, in {@code stateName}) at it. */
    private void assertFlaggedStuckAfterIdle(Duration idle, String stateName) {
        harness.advanceWallClock(idle.minus(PUNCTUATION));
        assertThat(harness.inProgress()).isEmpty();

        harness.advanceWallClock(PUNCTUATION);

        assertThat(harness.inProgress()).singleElement().satisfies(kv -> {
            assertThat(kv.value.stuck()).isTrue();
            assertThat(kv.value.stateName()).isEqualTo(stateName);
        });
        assertThat(harness.counter("flowpulse.streams.runs.stuck")).isEqualTo(1.0);
    }

    private static String entry(Instant due, String kind, String runId) {
        return FlowRunStateProcessor.zeroPadded(due.toEpochMilli()) + "|" + kind + "|" + runId;
    }

    /** The task's event time and fired-through time, kept in the same store. */
    private static boolean isBookkeeping(String key) {
        return key.equals(FlowRunStateProcessor.CLOCK_KEY) || key.equals(FlowRunStateProcessor.FIRED_THROUGH_KEY);
    }

    /** The timer index (without the task's event time and fired-through time), in key order. */
    private List<String> timerEntries() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Object> all = harness.runTimers().all()) {
            all.forEachRemaining(kv -> {
                if (!isBookkeeping(kv.key)) {
                    keys.add(kv.key);
                }
            });
        }
        return keys;
    }

    /** The keys of every run-history write (put or delete) since the last call. */
    private List<String> runStateChangelogKeys() {
        return harness
                .driver
                .createOutputTopic(RUN_STATE_CHANGELOG, new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList()
                .stream()
                .map(TestRecord::key)
                .toList();
    }

    /** Every timer-index write (put or delete) the changelog received, without the bookkeeping keys'. */
    private List<String> timerChangelogKeys() {
        return harness
                .driver
                .createOutputTopic(TIMERS_CHANGELOG, new StringDeserializer(), new StringDeserializer())
                .readKeyValuesToList()
                .stream()
                .map((KeyValue<String, String> kv) -> kv.key)
                .filter(key -> !isBookkeeping(key))
                .toList();
    }
}
