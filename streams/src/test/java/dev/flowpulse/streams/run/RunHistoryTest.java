package dev.flowpulse.streams.run;

import static dev.flowpulse.streams.SampleEvents.POLITE_LEMUR;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.following;
import static dev.flowpulse.streams.SampleEvents.named;
import static dev.flowpulse.streams.SampleEvents.parsed;
import static dev.flowpulse.streams.SampleEvents.refinishedRun;
import static dev.flowpulse.streams.SampleEvents.retriedRun;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.streams.TopologySettings;
import dev.flowpulse.streams.serde.BinarySerde;
import dev.flowpulse.streams.serde.InternalSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The per-run rules replayed without Kafka; time is pipeline time, passed in. */
class RunHistoryTest {

    private static final TopologySettings RULES = TopologySettings.defaults();
    private static final Instant T0 = Instant.parse("2026-05-04T14:00:00Z");
    private static final String RUN = "019df300-aaaa-7000-8000-000000000001";

    /** The history and every step after feeding {@code events} in this order, pipeline time = max occurred. */
    private record Replay(RunHistory history, List<RunStep> steps, long nowMs) {

        List<FinishedFlowRun> finishes() {
            return steps.stream().flatMap(s -> s.finishes().stream()).toList();
        }

        FinishedFlowRun lastCurrentFinish() {
            FinishedFlowRun last = null;
            for (RunStep step : steps) {
                last = step.currentFinish() != null ? step.currentFinish() : last;
            }
            return last;
        }

        Replay at(Instant pipelineTime) {
            RunStep step = history.onTimer(pipelineTime.toEpochMilli(), RULES);
            List<RunStep> all = new ArrayList<>(steps);
            all.add(step);
            return new Replay(step.history(), all, pipelineTime.toEpochMilli());
        }
    }

    private static Replay replay(List<? extends com.fasterxml.jackson.databind.JsonNode> events) {
        return replay(RunHistory.empty(), events.stream().map(e -> parsed(e)).toList(), Long.MIN_VALUE);
    }

    private static Replay replay(RunHistory start, List<FlowRunEvent> events, long fromMs) {
        RunHistory history = start;
        List<RunStep> steps = new ArrayList<>();
        long now = fromMs;
        for (FlowRunEvent event : events) {
            now = Math.max(now, event.occurred().toEpochMilli());
            Optional<RunStep> step = history.accept(event, now, RULES);
            if (step.isPresent()) {
                steps.add(step.get());
                history = step.get().history();
            }
        }
        return new Replay(history, steps, now);
    }

    @Test
    void shouldReplayPrefectTotalRunTimeForCrimsonFox() {
        Replay fox = replay(crimsonFoxLifecycle());

        // Completed 09:07:42.315502 - Running 09:05:09.874120 = 152.441382 s
        assertThat(fox.finishes()).singleElement().satisfies(f -> {
            assertThat(f.totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6));
            assertThat(f.durationKnown()).isTrue();
            assertThat(f.finishNumber()).isEqualTo(1);
            assertThat(f.startTime()).isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
            assertThat(f.endTime()).isEqualTo(Instant.parse("2026-05-04T09:07:42.315502Z"));
        });
        assertThat(fox.lastCurrentFinish()).isEqualTo(fox.finishes().get(0));
    }

    @Test
    void shouldDropAnEventWhoseIdTheRunHasSeen() {
        Replay fox = replay(crimsonFoxLifecycle());

        assertThat(fox.history().accept(parsed(crimsonFoxLifecycle().get(4)), fox.nowMs(), RULES))
                .isEmpty();
    }

    @Test
    void shouldCountEachFinishOfARunRetriedAfterItsTerminalState() {
        // Running 14:00 -> Failed 14:01 -> AwaitingRetry 14:02 -> Retrying 14:03 -> Completed 14:04
        Replay run = replay(refinishedRun(RUN, 1, T0));

        assertThat(run.finishes())
                .extracting(
                        FinishedFlowRun::stateType, FinishedFlowRun::finishNumber, FinishedFlowRun::totalRunTimeSeconds)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(StateType.FAILED, 1, 60.0),
                        // Prefect keeps adding: 60 s of the first attempt + 60 s of the retry
                        org.assertj.core.groups.Tuple.tuple(StateType.COMPLETED, 2, 120.0));
        assertThat(run.lastCurrentFinish().stateType()).isEqualTo(StateType.COMPLETED);
        assertThat(run.lastCurrentFinish().endTime()).isEqualTo(T0.plusSeconds(240));
        assertThat(run.lastCurrentFinish().startTime()).isEqualTo(T0);
    }

    @Test
    void shouldMakeTheLaterTerminalStateByOccurredTheCurrentFinishWhateverTheArrivalOrder() {
        List<ObjectNode> run = refinishedRun(RUN, 1, T0);
        // Arrival: Running, Retrying, Completed, AwaitingRetry, Failed (Failed occurred first)
        Replay replay = replay(List.of(run.get(0), run.get(3), run.get(4), run.get(2), run.get(1)));

        assertThat(replay.finishes())
                .extracting(FinishedFlowRun::stateType)
                .containsExactly(StateType.FAILED, StateType.COMPLETED);
        assertThat(replay.lastCurrentFinish().stateType()).isEqualTo(StateType.COMPLETED);
        assertThat(replay.lastCurrentFinish().finishNumber()).isEqualTo(2);
        assertThat(replay.finishes()).allMatch(FinishedFlowRun::durationKnown);
    }

    @Test
    void shouldKeepTheLaterTerminalCurrentWhenAnEarlierOneArrivesAfterItWasForced() {
        List<ObjectNode> run = refinishedRun(RUN, 1, T0);
        // Completed arrives alone: Retrying's predecessor (AwaitingRetry) and Failed are missing.
        Replay first = replay(List.of(run.get(0), run.get(3), run.get(4)));
        assertThat(first.finishes()).isEmpty();
        Replay forced = first.at(T0.plusSeconds(240).plus(RULES.finishSettleTimeout()));
        assertThat(forced.finishes()).singleElement().satisfies(f -> {
            assertThat(f.stateType()).isEqualTo(StateType.COMPLETED);
            assertThat(f.durationKnown()).isFalse();
            assertThat(f.totalRunTimeSeconds()).isNull();
        });

        // Then Failed (occurred 14:01) arrives: a finish of its own, counted, but not the current state.
        Replay late = replay(forced.history(), List.of(parsed(run.get(1)), parsed(run.get(2))), forced.nowMs());

        assertThat(late.finishes())
                .singleElement()
                .extracting(FinishedFlowRun::stateType)
                .isEqualTo(StateType.FAILED);
        // The table record is recomputed: COMPLETED, now finish 2, and its history is complete now.
        assertThat(late.lastCurrentFinish().stateType()).isEqualTo(StateType.COMPLETED);
        assertThat(late.lastCurrentFinish().finishNumber()).isEqualTo(2);
        assertThat(late.lastCurrentFinish().totalRunTimeSeconds()).isEqualTo(120.0);
    }

    @Test
    void shouldNotCountTheRetryWaitAsRunningTimeWhenAwaitingRetryIsLost() {
        // Running 14:00:00 -> AwaitingRetry 14:00:30 (lost) -> Retrying 14:01:30 -> Completed 14:02:15
        List<ObjectNode> retried = retriedRun(RUN, 1, T0);
        Replay replay = replay(List.of(retried.get(0), retried.get(2), retried.get(3)));

        // Retrying left SCHEDULED, but the state before it is Running: a span end is missing.
        assertThat(replay.finishes()).isEmpty();
        Replay settled = replay.at(T0.plusSeconds(135).plus(RULES.finishSettleTimeout()));
        assertThat(settled.finishes()).singleElement().satisfies(f -> {
            assertThat(f.totalRunTimeSeconds()).isNull();
            // what the states seen add up to counts the lost retry wait as running: 90 s + 45 s, not a duration
            assertThat(f.knownRunTimeSeconds()).isEqualTo(135.0);
        });
    }

    @Test
    void shouldDetectALostRunningStateAfterAPause() {
        // Running 14:00 -> Paused 14:00:30 -> Running 14:01:30 (lost) -> Completed 14:02:15
        ObjectNode running = derive(sample("Running"), RUN, eventId(1), T0);
        ObjectNode paused =
                following(derive(named(sample("Scheduled"), "Paused"), RUN, eventId(2), T0.plusSeconds(30)), running);
        ((ObjectNode) paused.get("resource")).put("prefect.state-type", "PAUSED");
        ObjectNode resumed = following(derive(sample("Running"), RUN, eventId(3), T0.plusSeconds(90)), paused);
        ObjectNode completed = following(derive(sample("Completed"), RUN, eventId(4), T0.plusSeconds(135)), resumed);

        Replay missing = replay(List.of(running, paused, completed));
        assertThat(missing.finishes()).isEmpty();
        assertThat(missing.history().gapBefore(missing.history().states(), 2))
                .get()
                .extracting(HistoryGap::reason)
                .isEqualTo(HistoryGap.Reason.RUNNING_UNSEEN);

        Replay complete = replay(missing.history(), List.of(parsed(resumed)), missing.nowMs());
        // 30 s before the pause + 45 s after it
        assertThat(complete.finishes())
                .singleElement()
                .extracting(FinishedFlowRun::totalRunTimeSeconds)
                .isEqualTo(75.0);
    }

    @Test
    void shouldWaitForTheSettleTimeByPipelineTimeNotBefore() {
        ObjectNode completed = sample("Completed"); // follows crimson-fox's Running, not seen
        Replay held = replay(List.of(completed));
        Instant occurred = Instant.parse("2026-05-04T09:07:42.315502Z");

        assertThat(held.at(occurred.plus(RULES.finishSettleTimeout()).minusMillis(1))
                        .finishes())
                .isEmpty();
        assertThat(held.at(occurred.plus(RULES.finishSettleTimeout())).finishes())
                .singleElement()
                .extracting(FinishedFlowRun::durationKnown)
                .isEqualTo(false);
        assertThat(held.history().dueTimers(RULES).settleDueMs())
                .isEqualTo(occurred.plus(RULES.finishSettleTimeout()).toEpochMilli());
    }

    @Test
    void shouldKeepAnUnfinishedRunAndForgetAFinishedOneAfterTheRetention() {
        Replay running = replay(List.of(derive(sample("Running"), RUN, eventId(1), T0)));
        assertThat(running.history().dueTimers(RULES).purgeDueMs()).isEqualTo(RunTimers.NONE);
        assertThat(running.at(T0.plus(Duration.ofDays(30))).history()).isNotNull();

        Replay fox = replay(crimsonFoxLifecycle());
        Instant completed = Instant.parse("2026-05-04T09:07:42.315502Z");
        assertThat(fox.history().dueTimers(RULES).purgeDueMs())
                .isEqualTo(completed.plus(RULES.runStateRetention()).toEpochMilli());
        assertThat(fox.at(completed.plus(RULES.runStateRetention()).minusMillis(1))
                        .history())
                .isNotNull();
        assertThat(fox.at(completed.plus(RULES.runStateRetention())).history()).isNull();
    }

    @Test
    void shouldPublishTheInProgressRecordWhileTheRunIsUnfinishedThenATombstone() {
        Replay fox = replay(crimsonFoxLifecycle());

        assertThat(fox.steps())
                .extracting(s -> s.inProgress() == null ? null : s.inProgress().stateName())
                .containsExactly("Scheduled", "Pending", "Submitting", "Running", null);
        assertThat(fox.steps().get(4).inProgressEnded()).isTrue();
        assertThat(fox.steps().get(3).inProgress().startTime()).isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
    }

    @Test
    void shouldFlagARunStuckInRunningAfterItsThresholdWithDeploymentOverrides() {
        Replay running = replay(List.of(derive(sample("Running"), RUN, eventId(1), T0)));
        assertThat(running.history().dueTimers(RULES).stuckDueMs())
                .isEqualTo(T0.plus(Duration.ofHours(1)).toEpochMilli());

        RunStep before = running.history()
                .onTimer(T0.plus(Duration.ofHours(1)).minusMillis(1).toEpochMilli(), RULES);
        RunStep stuck = running.history().onTimer(T0.plus(Duration.ofHours(1)).toEpochMilli(), RULES);

        assertThat(before.stuckFlagged()).isFalse();
        assertThat(stuck.stuckFlagged()).isTrue();
        assertThat(stuck.inProgress().stuck()).isTrue();
        assertThat(stuck.inProgress().stuckAfterSeconds()).isEqualTo(3600);
        assertThat(stuck.history().dueTimers(RULES).stuckDueMs()).isEqualTo(RunTimers.NONE);

        // hourly-sync (the sample's deployment) may run 4 h
        TopologySettings overridden =
                RULES.withStuckAfter(Duration.ofHours(1), Map.of("hourly-sync", Duration.ofHours(4)));
        assertThat(running.history()
                        .onTimer(T0.plus(Duration.ofHours(2)).toEpochMilli(), overridden)
                        .stuckFlagged())
                .isFalse();
    }

    @Test
    void shouldFlagAPendingRunStuckButNeverAScheduledOne() {
        Replay pending = replay(List.of(derive(sample("Pending"), RUN, eventId(1), T0)));
        Replay scheduled = replay(List.of(derive(sample("Scheduled"), RUN, eventId(1), T0)));

        assertThat(pending.history()
                        .onTimer(T0.plus(Duration.ofHours(1)).toEpochMilli(), RULES)
                        .stuckFlagged())
                .isTrue();
        assertThat(scheduled.history().dueTimers(RULES).stuckDueMs()).isEqualTo(RunTimers.NONE);
        assertThat(scheduled
                        .history()
                        .onTimer(T0.plus(Duration.ofDays(3)).toEpochMilli(), RULES)
                        .stuckFlagged())
                .isFalse();
    }

    @Test
    void shouldClearTheStuckFlagWhenTheStateChanges() {
        ObjectNode running = derive(sample("Running"), RUN, eventId(1), T0);
        Replay replay = replay(List.of(running));
        RunStep stuck = replay.history().onTimer(T0.plus(Duration.ofHours(2)).toEpochMilli(), RULES);
        ObjectNode completed =
                following(derive(sample("Completed"), RUN, eventId(2), T0.plus(Duration.ofHours(3))), running);

        RunStep done = stuck.history()
                .accept(parsed(completed), T0.plus(Duration.ofHours(3)).toEpochMilli(), RULES)
                .orElseThrow();

        assertThat(done.inProgressEnded()).isTrue();
        assertThat(done.history().stuck()).isFalse();
        assertThat(done.finishes())
                .singleElement()
                .extracting(FinishedFlowRun::totalRunTimeSeconds)
                .isEqualTo(10800.0);
    }

    @Test
    void shouldStartARunThatNeverRanAtItsEnd() {
        ObjectNode scheduled = derive(sample("Scheduled"), POLITE_LEMUR, eventId(1), T0);
        ObjectNode cancelled = derive(sample("Cancelled"), POLITE_LEMUR, eventId(2), T0.plusSeconds(10));
        ((ObjectNode) cancelled.get("payload").get("intended")).put("from", "SCHEDULED");
        ((ObjectNode) cancelled.get("resource")).put("prefect.run-count", "0");

        FinishedFlowRun finished =
                replay(List.of(scheduled, cancelled)).finishes().get(0);

        assertThat(finished.startTime()).isEqualTo(finished.endTime());
        assertThat(finished.totalRunTimeSeconds()).isZero();
    }

    @Test
    void shouldKeepRunningTimeOfStatesTrimmedByTheCap() {
        TopologySettings capped = new TopologySettings(
                RULES.windowSizes(),
                RULES.hopSize(),
                RULES.hopAdvance(),
                RULES.windowGrace(),
                RULES.tagPrefixes(),
                RULES.windowUpdateInterval(),
                RULES.runStateRetention(),
                2,
                RULES.finishSettleTimeout(),
                RULES.stuckAfter(),
                Map.of(),
                RULES.timerInterval());
        RunHistory history = RunHistory.empty();
        List<FinishedFlowRun> finishes = new ArrayList<>();
        for (var event : retriedRun(RUN, 1, T0)) {
            RunStep step = history.accept(
                            parsed(event), parsed(event).occurred().toEpochMilli(), capped)
                    .orElseThrow();
            history = step.history();
            finishes.addAll(step.finishes());
        }

        assertThat(history.states()).hasSize(2);
        assertThat(finishes)
                .singleElement()
                .extracting(FinishedFlowRun::totalRunTimeSeconds)
                .isEqualTo(75.0);
    }

    @Test
    void shouldSurviveTheStoreSerde() {
        // Every field in use: two finishes, a retry, intended.from/follows, timers, microsecond times.
        Replay held = replay(refinishedRun(POLITE_LEMUR, 900, Instant.parse("2026-05-04T14:00:00.123456Z")));
        RunHistory history = held.history().withTimers(new RunTimers(1L, RunTimers.NONE, 1_777_000_000_000L));
        BinarySerde<RunHistory> serde = InternalSerdes.RUN_HISTORY;

        RunHistory back = serde.deserialize("t", serde.serialize("t", history));

        assertThat(history.states()).hasSize(5);
        assertThat(back).isEqualTo(history);
    }
}
