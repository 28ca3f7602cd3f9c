package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlowRunEventParserTest {

    @Test
    void shouldReadEveryFieldOfTheRunningSample() {
        ParsedEvent parsed = FlowRunEventParser.parse(PrefectSamples.bytes("events/flow-run-Running.json"), "ws-1");

        assertThat(parsed).isInstanceOf(ParsedEvent.StateChange.class);
        FlowRunEvent e = ((ParsedEvent.StateChange) parsed).event();
        assertThat(e.workspace()).isEqualTo("ws-1");
        assertThat(e.eventId()).isEqualTo("019df23b-f8f2-7751-ad31-434fbcf7a730");
        assertThat(e.flowRunId()).isEqualTo("019df237-3ef6-7325-90c1-a510f37f3369");
        assertThat(e.flowRunName()).isEqualTo("crimson-fox");
        assertThat(e.stateType()).isEqualTo(StateType.RUNNING);
        assertThat(e.stateName()).isEqualTo("Running");
        assertThat(e.occurred()).isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
        assertThat(e.received()).isEqualTo(Instant.parse("2026-05-04T09:05:09.886120Z"));
        assertThat(e.runCount()).isEqualTo(1);
        assertThat(e.previousType()).isEqualTo(StateType.PENDING);
        assertThat(e.follows()).isEqualTo("019df23b-d8ad-74b5-813b-2cb564d5634e");
        assertThat(e.flow()).isEqualTo(new ResourceRef("3b212781-78ed-4463-b3bd-e3a35f088caf", "etl-orders"));
        assertThat(e.deployment().name()).isEqualTo("hourly-sync");
        assertThat(e.workQueue().name()).isEqualTo("default");
        assertThat(e.workPool()).isEqualTo(new ResourceRef("645bacf1-9d84-4c32-ba3e-f71c73a26e7a", "k8s-prod"));
        assertThat(e.tags()).containsExactly("etl", "prod");
    }

    @Test
    void shouldParseEveryStateSampleWithItsTypeLabel() {
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
            JsonNode sample = PrefectSamples.event(state);
            ParsedEvent parsed = FlowRunEventParser.parse(sample, "");
            assertThat(parsed).as(state).isInstanceOf(ParsedEvent.StateChange.class);
            assertThat(((ParsedEvent.StateChange) parsed).event().stateType().name())
                    .as(state)
                    .isEqualTo(sample.get("resource").get("prefect.state-type").asText());
        }
    }

    @Test
    void shouldTreatRunsWithoutDeploymentOrPoolAsEmptyNames() {
        ObjectNode sample = (ObjectNode) PrefectSamples.event("Running");
        sample.putArray("related");

        FlowRunEvent e = ((ParsedEvent.StateChange) FlowRunEventParser.parse(sample, "")).event();

        assertThat(SeriesLabels.of(e)).isEqualTo(new SeriesLabels("", "", "", ""));
        assertThat(e.tags()).isEmpty();
    }

    @Test
    void shouldIgnoreHeartbeatsThatShareTheFlowRunPrefix() {
        ParsedEvent parsed = FlowRunEventParser.parse(PrefectSamples.bytes("events/flow-run-heartbeat.json"), "");

        assertThat(parsed).isEqualTo(new ParsedEvent.Ignored("prefect.flow-run.heartbeat"));
    }

    @Test
    void shouldRejectMalformedJsonWithAReason() {
        ParsedEvent parsed = FlowRunEventParser.parse("{\"event\": ".getBytes(StandardCharsets.UTF_8), "");

        assertThat(parsed).isInstanceOf(ParsedEvent.Rejected.class);
        assertThat(((ParsedEvent.Rejected) parsed).reason()).isEqualTo(FlowRunEventParser.MALFORMED_JSON);
    }

    @Test
    void shouldRejectAnUnknownStateType() {
        ObjectNode sample = (ObjectNode) PrefectSamples.event("Running");
        ((ObjectNode) sample.get("resource")).put("prefect.state-type", "EXPLODED");

        ParsedEvent parsed = FlowRunEventParser.parse(sample, "");

        assertThat(parsed)
                .isEqualTo(new ParsedEvent.Rejected(
                        FlowRunEventParser.UNKNOWN_STATE_TYPE, "unknown prefect.state-type 'EXPLODED'"));
    }

    @Test
    void shouldRejectEventsWithoutIdOrOccurred() {
        ObjectNode noId = (ObjectNode) PrefectSamples.event("Running");
        noId.remove("id");
        ObjectNode noTime = (ObjectNode) PrefectSamples.event("Running");
        noTime.remove("occurred");

        assertThat(((ParsedEvent.Rejected) FlowRunEventParser.parse(noId, "")).reason())
                .isEqualTo(FlowRunEventParser.MISSING_FIELD);
        assertThat(((ParsedEvent.Rejected) FlowRunEventParser.parse(noTime, "")).reason())
                .isEqualTo(FlowRunEventParser.MISSING_FIELD);
    }

    @Test
    void shouldRejectNonObjectsAndNonEvents() {
        assertThat(FlowRunEventParser.parse("[1,2]".getBytes(StandardCharsets.UTF_8), ""))
                .isInstanceOf(ParsedEvent.Rejected.class);
        assertThat(FlowRunEventParser.parse("{\"hello\":1}".getBytes(StandardCharsets.UTF_8), ""))
                .isInstanceOf(ParsedEvent.Rejected.class);
    }

    @Test
    void shouldAcceptBothTimestampFormsPrefectWrites() {
        assertThat(FlowRunEventParser.parseTime("2026-05-04T09:05:00Z"))
                .isEqualTo(Instant.parse("2026-05-04T09:05:00Z"));
        assertThat(FlowRunEventParser.parseTime("2026-05-04T09:05:09.874120+00:00"))
                .isEqualTo(Instant.parse("2026-05-04T09:05:09.874120Z"));
        assertThat(FlowRunEventParser.parseTime("2026-05-04T11:05:00+02:00"))
                .isEqualTo(Instant.parse("2026-05-04T09:05:00Z"));
        assertThat(FlowRunEventParser.parseTime("2026-05-04T09:05:00"))
                .isEqualTo(Instant.parse("2026-05-04T09:05:00Z"));
    }

    @Test
    void shouldExtractTheFlowRunIdForKeying() {
        assertThat(FlowRunEventParser.flowRunId(PrefectSamples.event("Failed")))
                .contains(PrefectSamples.event("Failed")
                        .get("resource")
                        .get("prefect.resource.id")
                        .asText()
                        .substring("prefect.flow-run.".length()));
        assertThat(FlowRunEventParser.flowRunId(PrefectSamples.json("websocket/01-auth.json")))
                .isEmpty();
    }
}
