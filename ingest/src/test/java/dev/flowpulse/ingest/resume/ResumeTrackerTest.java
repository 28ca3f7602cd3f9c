package dev.flowpulse.ingest.resume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.ingest.publish.RawEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeTrackerTest {

    private static final Instant T0 = Instant.parse("2026-05-04T09:00:00Z");
    private final ResumeTracker tracker = new ResumeTracker(new ResumePoint(T0, List.of()));

    private static RawEvent event(String id, int second) {
        ObjectNode json = Json.prefect().createObjectNode();
        return new RawEvent(id, "run", T0.plusSeconds(second), json);
    }

    @Test
    void shouldAdvanceToTheNewestAcknowledgedEventWithItsIds() {
        RawEvent a = event("a", 10);
        RawEvent b = event("b", 10);
        tracker.sent(a);
        tracker.sent(b);
        tracker.acknowledged(a);
        tracker.acknowledged(b);

        assertThat(tracker.point()).isEqualTo(new ResumePoint(T0.plusSeconds(10), List.of("a", "b")));
    }

    @Test
    void shouldStayBelowAnEventStillInFlight() {
        RawEvent early = event("early", 5);
        RawEvent late = event("late", 20);
        tracker.sent(early);
        tracker.sent(late);
        tracker.acknowledged(late);

        assertThat(tracker.point()).isEqualTo(new ResumePoint(T0.plusSeconds(5).minusNanos(1000), List.of()));

        tracker.acknowledged(early);
        assertThat(tracker.point()).isEqualTo(new ResumePoint(T0.plusSeconds(20), List.of("late")));
    }

    @Test
    void shouldStayBelowAFailedSendUntilItsReplayIsAcknowledged() {
        RawEvent lost = event("lost", 5);
        RawEvent next = event("next", 8);
        tracker.sent(lost);
        tracker.failed(lost, false);
        tracker.sent(next);
        tracker.acknowledged(next);

        assertThat(tracker.point().occurred()).isBefore(T0.plusSeconds(5));
        assertThat(tracker.pending()).isEqualTo(1);

        tracker.sent(lost); // the replay
        tracker.acknowledged(lost);
        assertThat(tracker.point()).isEqualTo(new ResumePoint(T0.plusSeconds(8), List.of("next")));
    }

    @Test
    void shouldPassADeadLetteredEvent() {
        RawEvent huge = event("huge", 5);
        tracker.sent(huge);
        tracker.failed(huge, true);
        RawEvent next = event("next", 6);
        tracker.sent(next);
        tracker.acknowledged(next);

        assertThat(tracker.point().occurred()).isEqualTo(T0.plusSeconds(6));
    }

    @Test
    void shouldStayAtAHeldGapUntilItIsReleased() {
        tracker.hold("gap", T0.plusSeconds(3));
        RawEvent live = event("live", 60);
        tracker.sent(live);
        tracker.acknowledged(live);

        assertThat(tracker.point().occurred()).isEqualTo(T0.plusSeconds(3).minusNanos(1000));

        tracker.release("gap");
        assertThat(tracker.point().occurred()).isEqualTo(T0.plusSeconds(60));
    }
}
