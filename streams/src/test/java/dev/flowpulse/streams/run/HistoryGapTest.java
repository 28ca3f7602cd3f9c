package dev.flowpulse.streams.run;

import static dev.flowpulse.streams.SampleEvents.BRAVE_OTTER;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEvent;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The completeness rule for a terminal state, on real Prefect samples, without Kafka. */
class HistoryGapTest {

    private static final Instant T0 = Instant.parse("2026-05-04T14:00:00Z");

    private static List<SeenState> seen(JsonNode... events) {
        return Stream.of(events).map(e -> SeenState.of(parsed(e))).toList();
    }

    private static FlowRunEvent terminal(JsonNode event) {
        return parsed(event);
    }

    @Test
    void shouldFindNoGapInTheCompleteCrimsonFoxLifecycle() {
        List<ObjectNode> fox = crimsonFoxLifecycle();

        assertThat(HistoryGap.before(terminal(fox.get(4)), seen(fox.toArray(JsonNode[]::new)), 0))
                .isEmpty();
    }

    @Test
    void shouldReportTheUnseenStateATerminalFollows() {
        // Completed follows Running (019df23b-f8f2-...), which has not arrived.
        List<ObjectNode> fox = crimsonFoxLifecycle();

        assertThat(HistoryGap.before(terminal(fox.get(4)), seen(fox.get(0), fox.get(1), fox.get(2), fox.get(4)), 0))
                .contains(HistoryGap.FOLLOWED_STATE_UNSEEN);
    }

    @Test
    void shouldReportAMissingRunningStateOfATerminalThatLeftRunning() {
        // brave-otter's Failed: follows null (gap > 5 min), intended.from RUNNING, run_count 1.
        ObjectNode failed = sample("Failed");

        assertThat(HistoryGap.before(terminal(failed), seen(failed), 0)).contains(HistoryGap.RUNNING_UNSEEN);
        ObjectNode running = derive(sample("Running"), BRAVE_OTTER, eventId(1), Instant.parse("2026-05-04T10:04:14Z"));
        assertThat(HistoryGap.before(terminal(failed), seen(running, failed), 0))
                .isEmpty();
    }

    @Test
    void shouldCountOnlyRunningStatesThatOccurredBeforeTheTerminal() {
        ObjectNode failed = sample("Failed");
        ObjectNode laterRunning =
                derive(sample("Running"), BRAVE_OTTER, eventId(2), Instant.parse("2026-05-04T10:20:00Z"));

        assertThat(HistoryGap.before(terminal(failed), seen(failed, laterRunning), 0))
                .contains(HistoryGap.RUNNING_UNSEEN);
    }

    @Test
    void shouldRequireAsManyRunningEntriesAsTheRunCountOfARetriedRun() {
        // Completed after a retry has run_count 2 (§1.3): Running and Retrying both entered RUNNING.
        String run = "019df300-cccc-7000-8000-000000000001";
        List<ObjectNode> retried = retriedRun(run, 1, T0);
        // A Completed 5 min or more after Retrying carries no follows: only the run count tells.
        FlowRunEvent completed =
                terminal(runCount(derive(sample("Completed"), run, eventId(9), T0.plusSeconds(400)), 2));

        assertThat(HistoryGap.before(completed, seen(retried.get(0), retried.get(1)), 0))
                .contains(HistoryGap.RUNNING_ENTRIES_MISSING);
        assertThat(HistoryGap.before(completed, seen(retried.get(0), retried.get(1), retried.get(2)), 0))
                .isEmpty();
    }

    @Test
    void shouldCountRunningEntriesTrimmedByTheCap() {
        String run = "019df300-cccc-7000-8000-000000000002";
        FlowRunEvent completed = terminal(runCount(derive(sample("Completed"), run, eventId(9), T0), 2));

        assertThat(HistoryGap.before(completed, List.of(), 1)).contains(HistoryGap.RUNNING_ENTRIES_MISSING);
        assertThat(HistoryGap.before(completed, List.of(), 2)).isEmpty();
    }

    @Test
    void shouldAcceptARunCancelledBeforeItEverRan() {
        // Scheduled -> Cancelled 10 s later: run_count 0, intended.from SCHEDULED, follows the Scheduled state.
        String run = "019df300-cccc-7000-8000-000000000003";
        ObjectNode scheduled = derive(sample("Scheduled"), run, eventId(1), T0);
        ObjectNode cancelled =
                following(runCount(derive(sample("Cancelled"), run, eventId(2), T0.plusSeconds(10)), 0), scheduled);

        assertThat(HistoryGap.before(terminal(cancelled), seen(scheduled, cancelled), 0))
                .isEmpty();
        assertThat(HistoryGap.before(terminal(cancelled), seen(cancelled), 0))
                .contains(HistoryGap.FOLLOWED_STATE_UNSEEN);
    }

    @Test
    void shouldAcceptACancellationThatLeftCancelling() {
        // polite-lemur: Running -> Cancelling -> Cancelled (follows Cancelling, from CANCELLING, run_count 1).
        ObjectNode running = derive(sample("Running"), POLITE_LEMUR, eventId(1), Instant.parse("2026-05-04T12:30:00Z"));

        assertThat(HistoryGap.before(
                        terminal(sample("Cancelled")), seen(running, sample("Cancelling"), sample("Cancelled")), 0))
                .isEmpty();
        assertThat(HistoryGap.before(terminal(sample("Cancelled")), seen(sample("Cancelling"), sample("Cancelled")), 0))
                .contains(HistoryGap.RUNNING_ENTRIES_MISSING);
    }
}
