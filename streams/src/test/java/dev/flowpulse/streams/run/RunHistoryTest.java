package dev.flowpulse.streams.run;

import static dev.flowpulse.streams.SampleEvents.CRIMSON_FOX;
import static dev.flowpulse.streams.SampleEvents.POLITE_LEMUR;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.following;
import static dev.flowpulse.streams.SampleEvents.parsed;
import static dev.flowpulse.streams.SampleEvents.retriedRun;
import static dev.flowpulse.streams.SampleEvents.runCount;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.StateType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Prefect's timing rules replayed without Kafka. */
class RunHistoryTest {

    private static final int CAP = 200;
    private static final Instant T0 = Instant.parse("2026-05-04T14:00:00Z");

    /** Feeds events in the given order; returns every step produced (redeliveries produce none). */
    private static List<RunStep> replay(List<FlowRunEvent> events) {
        RunHistory history = RunHistory.empty();
        List<RunStep> steps = new ArrayList<>();
        long now = 1_000L;
        for (FlowRunEvent event : events) {
            Optional<RunStep> step = history.accept(event, now++, CAP);
            if (step.isPresent()) {
                steps.add(step.get());
                history = step.get().history();
            }
        }
        return steps;
    }

    private static List<FlowRunEvent> crimsonFox() {
        return crimsonFoxLifecycle().stream().map(e -> parsed(e)).toList();
    }

    @Test
    void shouldReplayPrefectTotalRunTimeForCrimsonFox() {
        List<RunStep> steps = replay(crimsonFox());

        assertThat(steps).hasSize(5);
        // Completed 09:07:42.315502 - Running 09:05:09.874120 = 152.441382 s
        assertThat(steps.get(4).transition().totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(steps.stream().map(s -> s.transition().finishesRun()))
                .containsExactly(false, false, false, false, true);
        FinishedFlowRun finished = steps.get(4).finished();
        assertThat(finished.startTime()).isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
        assertThat(finished.endTime()).isEqualTo(Instant.parse("2026-05-04T09:07:42.315502Z"));
        assertThat(finished.runCount()).isEqualTo(1);
        assertThat(finished.stateType()).isEqualTo(StateType.COMPLETED);
        assertThat(finished.flow().name()).isEqualTo("etl-orders");
    }

    @Test
    void shouldDropAnEventWhoseIdTheRunHasSeen() {
        List<FlowRunEvent> events = new ArrayList<>(crimsonFox());
        events.add(events.get(4));
        events.add(events.get(0));

        assertThat(replay(events)).hasSize(5);
    }

    @Test
    void shouldFinishARunOnlyOnItsFirstTerminalState() {
        List<FlowRunEvent> events = new ArrayList<>(crimsonFox());
        // Forced out of Completed and finished again: a transition, not a second finished run.
        events.add(parsed(runCount(
                derive(sample("Running"), CRIMSON_FOX, eventId(1), Instant.parse("2026-05-04T09:10:00Z")), 2)));
        events.add(parsed(runCount(
                derive(sample("Completed"), CRIMSON_FOX, eventId(2), Instant.parse("2026-05-04T09:11:00Z")), 2)));

        List<RunStep> steps = replay(events);

        assertThat(steps).hasSize(7);
        assertThat(steps.stream().filter(RunStep::emitsFinish)).hasSize(1);
        assertThat(steps.get(6).transition().finishesRun()).isFalse();
        // 152.441382 s first run + 60 s second run
        assertThat(steps.get(6).transition().totalRunTimeSeconds()).isCloseTo(212.441382, within(1e-6));
    }

    @Test
    void shouldSumEveryRunningSpanOfARetriedRun() {
        String run = "019df300-aaaa-7000-8000-000000000001";
        // Running 14:00:00 -> AwaitingRetry 14:00:30 -> Retrying 14:01:30 -> Completed 14:02:15 (run_count 2)
        List<RunStep> steps =
                replay(retriedRun(run, 11, T0).stream().map(e -> parsed(e)).toList());

        // (14:00:30 - 14:00:00) + (14:02:15 - 14:01:30) = 30 s + 45 s
        assertThat(steps.get(3).transition().totalRunTimeSeconds()).isEqualTo(75.0);
        assertThat(steps.get(3).finished().startTime()).isEqualTo(T0);
    }

    @Test
    void shouldOrderALateStateByOccurredBeforeTheRunFinishes() {
        String run = "019df300-aaaa-7000-8000-000000000002";
        List<FlowRunEvent> retried =
                retriedRun(run, 21, T0).stream().map(e -> parsed(e)).toList();

        // Running, Retrying, AwaitingRetry, Completed
        List<RunStep> steps = replay(List.of(retried.get(0), retried.get(2), retried.get(1), retried.get(3)));

        // Arrival order alone would count Running -> Retrying (90 s) as running time.
        assertThat(steps.get(2).transition().totalRunTimeSeconds()).isEqualTo(30.0);
        assertThat(steps.get(3).transition().totalRunTimeSeconds()).isEqualTo(75.0);
        assertThat(steps.get(3).finished().totalRunTimeSeconds()).isEqualTo(75.0);
        assertThat(steps.get(3).history().states().stream().map(SeenState::eventId))
                .containsExactly(eventId(21), eventId(22), eventId(23), eventId(24));
    }

    @Test
    void shouldCountRunningToCancellingButNotCancellingToCancelled() {
        // Running 12:30:00 (derived) -> Cancelling 12:31:00.500112 -> Cancelled 12:31:04.771903
        List<FlowRunEvent> events = List.of(
                parsed(derive(sample("Running"), POLITE_LEMUR, eventId(31), Instant.parse("2026-05-04T12:30:00Z"))),
                parsed(sample("Cancelling")),
                parsed(sample("Cancelled")));

        List<RunStep> steps = replay(events);

        // 12:31:00.500112 - 12:30:00 = 60.500112 s; the 4.27 s in CANCELLING do not count
        assertThat(steps.get(2).finished().totalRunTimeSeconds()).isCloseTo(60.500112, within(1e-6));
        assertThat(steps.get(2).finished().stateType()).isEqualTo(StateType.CANCELLED);
    }

    @Test
    void shouldStartARunThatNeverRanAtItsEnd() {
        // Cancelled straight from Scheduled (run_count 0): Prefect sets start_time = end_time.
        String run = "019df300-aaaa-7000-8000-000000000003";
        ObjectNode scheduled = derive(sample("Scheduled"), run, eventId(41), T0);
        List<RunStep> steps = replay(List.of(
                parsed(scheduled),
                parsed(following(
                        runCount(derive(sample("Cancelled"), run, eventId(42), T0.plusSeconds(10)), 0), scheduled))));

        FinishedFlowRun finished = steps.get(1).finished();
        assertThat(finished.startTime()).isEqualTo(finished.endTime()).isEqualTo(T0.plusSeconds(10));
        assertThat(finished.totalRunTimeSeconds()).isZero();
    }

    @Test
    void shouldKeepRunningTimeOfStatesTrimmedByTheCap() {
        String run = "019df300-aaaa-7000-8000-000000000004";
        RunHistory history = RunHistory.empty();
        // Running and Scheduled alternating every 10 s, at most 3 states kept.
        for (int i = 0; i < 6; i++) {
            String state = i % 2 == 0 ? "Running" : "Scheduled";
            history = history.accept(parsed(derive(sample(state), run, eventId(50 + i), T0.plusSeconds(10L * i))), i, 3)
                    .orElseThrow()
                    .history();
        }
        RunStep last = history.accept(parsed(derive(sample("Completed"), run, eventId(60), T0.plusSeconds(60))), 7, 3)
                .orElseThrow();

        assertThat(last.history().states()).hasSize(3);
        // Running at 0, 20, 40 s, each left 10 s later: 30 s, though only 3 states are kept
        assertThat(last.transition().totalRunTimeSeconds()).isEqualTo(30.0);
        assertThat(last.finished().startTime()).isEqualTo(T0);
    }

    @Test
    void shouldExpireAfterTheRetentionOfWallClockTime() {
        RunHistory history = RunHistory.empty()
                .accept(parsed(sample("Running")), 1_000L, CAP)
                .orElseThrow()
                .history();

        assertThat(history.expired(1_000L + Duration.ofDays(7).toMillis(), Duration.ofDays(7)))
                .isFalse();
        assertThat(history.expired(1_001L + Duration.ofDays(7).toMillis(), Duration.ofDays(7)))
                .isTrue();
    }

    @Test
    void shouldHoldBackAFinishUntilTheRunningStateArrives() {
        // Completed first, then Scheduled, Pending, Submitting, Running: Completed follows Running.
        List<FlowRunEvent> fox = crimsonFox();
        List<RunStep> steps = replay(List.of(fox.get(4), fox.get(0), fox.get(1), fox.get(2), fox.get(3)));

        assertThat(steps).hasSize(5);
        assertThat(steps.get(0).transition().finishesRun()).isTrue();
        assertThat(steps.get(0).holdsFinishBack()).isTrue();
        assertThat(steps.get(0).history().pendingGap()).contains(HistoryGap.FOLLOWED_STATE_UNSEEN);
        assertThat(steps.subList(0, 4)).noneMatch(RunStep::emitsFinish);
        assertThat(steps.get(4).releasesHeldFinish()).isTrue();
        assertThat(steps.get(4).transition().finishesRun()).isFalse();
        // Completed 09:07:42.315502 - Running 09:05:09.874120 = 152.441382 s, though Running came last
        FinishedFlowRun finished = steps.get(4).finished();
        assertThat(finished.totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(finished.startTime()).isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
        assertThat(finished.endTime()).isEqualTo(Instant.parse("2026-05-04T09:07:42.315502Z"));
        assertThat(finished.stateType()).isEqualTo(StateType.COMPLETED);
        assertThat(steps.get(4).history().finished()).isTrue();
        assertThat(steps.get(4).history().hasPendingFinish()).isFalse();
    }

    @Test
    void shouldHoldBackARetriedRunUntilItsSecondRunningEntryArrives() {
        String run = "019df300-aaaa-7000-8000-000000000005";
        List<FlowRunEvent> retried =
                retriedRun(run, 71, T0).stream().map(e -> parsed(e)).toList();
        // Running 14:00:00, AwaitingRetry 14:00:30, Completed 14:02:15 (run_count 2), then Retrying 14:01:30
        List<RunStep> steps = replay(List.of(retried.get(0), retried.get(1), retried.get(3), retried.get(2)));

        assertThat(steps.get(2).holdsFinishBack()).isTrue();
        assertThat(steps.get(3).releasesHeldFinish()).isTrue();
        // (14:00:30 - 14:00:00) + (14:02:15 - 14:01:30) = 30 s + 45 s
        assertThat(steps.get(3).finished().totalRunTimeSeconds()).isEqualTo(75.0);
        assertThat(steps.get(3).finished().runCount()).isEqualTo(2);
    }

    @Test
    void shouldForceAPendingFinishWithWhatIsKnownAndNeverFinishAgain() {
        // polite-lemur: Running 12:30:00 (derived), Cancelled 12:31:04.771903 following a Cancelling never seen.
        RunHistory history = replay(List.of(
                        parsed(derive(
                                sample("Running"), POLITE_LEMUR, eventId(81), Instant.parse("2026-05-04T12:30:00Z"))),
                        parsed(sample("Cancelled"))))
                .get(1)
                .history();
        assertThat(history.hasPendingFinish()).isTrue();
        assertThat(history.pendingFinish().sinceWallClockMs()).isEqualTo(1_001L);

        FinishedFlowRun forced = history.finishedRun();
        RunHistory published = history.finishPublished();

        // Without Cancelling, all of Running 12:30:00 -> Cancelled 12:31:04.771903 looks like running time
        assertThat(forced.totalRunTimeSeconds()).isCloseTo(64.771903, within(1e-6));
        assertThat(forced.stateType()).isEqualTo(StateType.CANCELLED);
        assertThat(published.finished()).isTrue();
        assertThat(published.hasPendingFinish()).isFalse();
        RunStep lateCancelling =
                published.accept(parsed(sample("Cancelling")), 2_000L, CAP).orElseThrow();
        assertThat(lateCancelling.emitsFinish()).isFalse();
        assertThat(lateCancelling.transition().finishesRun()).isFalse();
    }

    @Test
    void shouldNotFinishOnASecondTerminalStateWhileTheFirstIsPending() {
        List<FlowRunEvent> fox = crimsonFox();
        FlowRunEvent failedLater = parsed(
                runCount(derive(sample("Failed"), CRIMSON_FOX, eventId(91), Instant.parse("2026-05-04T09:20:00Z")), 2));
        FlowRunEvent runningAgain = parsed(runCount(
                derive(sample("Running"), CRIMSON_FOX, eventId(92), Instant.parse("2026-05-04T09:15:00Z")), 2));

        List<RunStep> steps =
                replay(List.of(fox.get(4), failedLater, fox.get(0), fox.get(1), fox.get(2), fox.get(3), runningAgain));

        assertThat(steps.get(1).transition().finishesRun()).isFalse();
        assertThat(steps.get(1).emitsFinish()).isFalse();
        assertThat(steps.stream().filter(RunStep::emitsFinish))
                .singleElement()
                .satisfies(step -> assertThat(step.finished().stateType()).isEqualTo(StateType.COMPLETED))
                .satisfies(step ->
                        assertThat(step.finished().totalRunTimeSeconds()).isCloseTo(152.441382, within(1e-6)));
    }

    @Test
    void shouldSurviveTheStoreSerdeWithAPendingFinish() {
        List<FlowRunEvent> fox = crimsonFox();
        RunHistory history = replay(List.of(fox.get(4), fox.get(0))).get(1).history();
        JsonSerde<RunHistory> serde = JsonSerde.of(RunHistory.class);

        RunHistory read = serde.deserialize("t", serde.serialize("t", history));

        assertThat(read).isEqualTo(history);
        assertThat(read.pendingFinish().terminal()).isEqualTo(fox.get(4));
        assertThat(read.pendingGap()).contains(HistoryGap.FOLLOWED_STATE_UNSEEN);
    }

    @Test
    void shouldReadAHistoryStoredBeforePendingFinishesExisted() throws Exception {
        RunHistory history = replay(crimsonFox()).get(4).history();
        JsonSerde<RunHistory> serde = JsonSerde.of(RunHistory.class);
        ObjectNode stored = (ObjectNode) Json.mapper().readTree(serde.serialize("t", history));
        stored.remove(List.of("trimmed_running_entries", "pending_finish"));

        RunHistory read = serde.deserialize("t", Json.mapper().writeValueAsBytes(stored));

        assertThat(read).isEqualTo(history);
        assertThat(read.hasPendingFinish()).isFalse();
        assertThat(read.trimmedRunningEntries()).isZero();
    }

    @Test
    void shouldSurviveTheStoreSerde() {
        RunHistory history = replay(crimsonFox()).get(4).history();
        JsonSerde<RunHistory> serde = JsonSerde.of(RunHistory.class);

        RunHistory read = serde.deserialize("t", serde.serialize("t", history));

        assertThat(read).isEqualTo(history);
        assertThat(read.finished()).isTrue();
        assertThat(read.states()).hasSize(5);
    }
}
