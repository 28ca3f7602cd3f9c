package dev.flowpulse.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.testkit.PrefectSamples;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RawEventTest {

    private static ObjectNode sample(String state) {
        return (ObjectNode) PrefectSamples.event(state);
    }

    @Test
    void shouldAcceptAStateChangeEvent() {
        ObjectNode running = sample("Running");

        assertThat(RawEvent.inspect(running))
                .isEqualTo(new RawEvent.Publishable(new RawEvent(
                        "019df23b-f8f2-7751-ad31-434fbcf7a730",
                        "019df237-3ef6-7325-90c1-a510f37f3369",
                        Instant.parse("2026-05-04T09:05:09.874120Z"),
                        running)));
    }

    @Test
    void shouldAcceptEveryStateSample() {
        for (String state : new String[] {
            "Scheduled",
            "Pending",
            "Submitting",
            "Running",
            "Completed",
            "Failed",
            "Crashed",
            "Cancelling",
            "Cancelled",
            "Scheduled-created-by-automation"
        }) {
            assertThat(RawEvent.inspect(sample(state))).as(state).isInstanceOf(RawEvent.Publishable.class);
        }
    }

    @Test
    void shouldSkipAHeartbeat() {
        assertThat(RawEvent.inspect(sample("heartbeat")))
                .isEqualTo(new RawEvent.NotAStateChange("019df23c-e36e-746a-a54c-0cc1920085b3"));
    }

    @Test
    void shouldRejectAnEventWithoutAFlowRunResource() {
        ObjectNode event = sample("Running");
        event.withObject("/resource").put("prefect.resource.id", "prefect.flow.3b212781-78ed-4463-b3bd-e3a35f088caf");

        assertThat(RawEvent.inspect(event))
                .isEqualTo(new RawEvent.Invalid(
                        FlowRunEventParser.MISSING_FIELD, "event has no flow-run prefect.resource.id"));
    }

    @Test
    void shouldRejectAnEventWithoutId() {
        ObjectNode event = sample("Running");
        event.remove("id");

        assertThat(RawEvent.inspect(event))
                .isEqualTo(new RawEvent.Invalid(FlowRunEventParser.MISSING_FIELD, "event has no 'id'"));
    }

    @Test
    void shouldRejectAnEventWithABadTimestamp() {
        ObjectNode event = sample("Running");
        event.put("occurred", "yesterday");

        assertThat(RawEvent.inspect(event))
                .isInstanceOfSatisfying(
                        RawEvent.Invalid.class,
                        invalid -> assertThat(invalid.reason()).isEqualTo(FlowRunEventParser.BAD_TIMESTAMP));
        event.remove("occurred");
        assertThat(RawEvent.inspect(event))
                .isEqualTo(new RawEvent.Invalid(FlowRunEventParser.MISSING_FIELD, "event has no 'occurred'"));
    }
}
