package dev.flowpulse.streams.run;

import static dev.flowpulse.streams.SampleEvents.BRAVE_OTTER;
import static dev.flowpulse.streams.SampleEvents.POLITE_LEMUR;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.parsed;
import static dev.flowpulse.streams.SampleEvents.retriedRun;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rule "is the RUNNING time up to this state known", on real Prefect samples, without Kafka. */
class HistoryGapTest {

    private static final Instant T0 = Instant.parse("2026-05-04T14:00:00Z");

    private static List<SeenState> seen(JsonNode... events) {
        return Stream.of(events)
                .map(e -> SeenState.of(parsed(e)))
                .sorted(java.util.Comparator.comparing(SeenState::occurred))
                .toList();
    }

    private static Optional<HistoryGap.Reason> gap(List<SeenState> states) {
        return HistoryGap.before(states, states.size() - 1, 0, false).map(HistoryGap::reason);
    }

    @Test
    void shouldFindNoGapInTheCompleteCrimsonFoxLifecycle() {
        assertThat(gap(seen(crimsonFoxLifecycle().toArray(JsonNode[]::new)))).isEmpty();
    }

    @Test
    void shouldAcceptAScheduledRunWithoutItsBulkInsertedScheduledState() {
        // A scheduler-made run emits no Scheduled event: Pending (from SCHEDULED) is its first.
        List<ObjectNode> fox = crimsonFoxLifecycle();
        assertThat(gap(seen(fox.get(1), fox.get(2), fox.get(3), fox.get(4)))).isEmpty();
    }

    @Test
    void shouldReportATerminalThatLeftRunningWithoutARunningState() {
        List<ObjectNode> fox = crimsonFoxLifecycle();
        assertThat(gap(seen(fox.get(0), fox.get(1), fox.get(2), fox.get(4))))
                .contains(HistoryGap.Reason.RUNNING_UNSEEN);
        assertThat(gap(seen(sample("Failed")))).contains(HistoryGap.Reason.PREDECESSOR_UNSEEN);
    }

    @Test
    void shouldReportAMissingStateBetweenRunningAndTheNextOneAnywhereInTheHistory() {
        // Running -> AwaitingRetry (lost) -> Retrying -> Completed: the gap is before Retrying, not the terminal.
        List<ObjectNode> retried = retriedRun(BRAVE_OTTER, 1, T0);
        assertThat(gap(seen(retried.get(0), retried.get(2), retried.get(3))))
                .contains(HistoryGap.Reason.RUNNING_SPAN_END_UNSEEN);
    }

    @Test
    void shouldRequireAsManyRunningEntriesAsTheRunCount() {
        // Running, AwaitingRetry, Completed with run_count 2: the Retrying entry is missing.
        List<ObjectNode> retried = retriedRun(BRAVE_OTTER, 1, T0);
        ObjectNode completed = retried.get(3).deepCopy();
        completed.putNull("follows");
        ((ObjectNode) completed.get("payload").get("intended")).put("from", "SCHEDULED");
        assertThat(gap(seen(retried.get(0), retried.get(1), completed)))
                .contains(HistoryGap.Reason.RUNNING_ENTRIES_MISSING);
    }

    @Test
    void shouldIgnoreAMissingPendingThatHidesNoRunningTime() {
        // Scheduled -> Pending (lost) -> Submitting -> Running -> Completed
        List<ObjectNode> fox = crimsonFoxLifecycle();
        ObjectNode submitting = fox.get(2).deepCopy();
        ((ObjectNode) submitting.get("payload").get("intended")).put("from", "PENDING");
        assertThat(gap(seen(fox.get(0), submitting, fox.get(3), fox.get(4)))).isEmpty();
    }

    @Test
    void shouldCountRunningEntriesTrimmedByTheCap() {
        List<ObjectNode> retried = retriedRun(BRAVE_OTTER, 1, T0);
        List<SeenState> kept = seen(retried.get(2), retried.get(3));
        assertThat(HistoryGap.before(kept, 1, 1, true)).isEmpty();
    }

    @Test
    void shouldAcceptACancellationThatLeftCancellingAfterRunning() {
        ObjectNode running =
                derive(sample("Running"), POLITE_LEMUR, eventId(21), Instant.parse("2026-05-04T12:30:00Z"));
        assertThat(gap(seen(running, sample("Cancelling"), sample("Cancelled"))))
                .isEmpty();
    }
}
