package dev.flowpulse.ingest.prefect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerMessageTest {

    private static String sample(String path) {
        return new String(PrefectSamples.bytes(path), StandardCharsets.UTF_8);
    }

    @Test
    void shouldRecogniseAuthSuccess() {
        assertThat(ServerMessage.parse(sample("websocket/02-auth_success.json")))
                .isInstanceOf(ServerMessage.AuthSuccess.class);
    }

    @Test
    void shouldRecogniseAuthFailureWithItsReason() {
        String failure = PrefectSamples.json("websocket/auth-message-variants.json")
                .get("failure_reply_as_emulated_in_prefect_test_harness")
                .toString();
        assertThat(ServerMessage.parse(failure)).isEqualTo(new ServerMessage.AuthFailure("nope"));
    }

    @Test
    void shouldExtractTheEventOfAnEnvelope() {
        ServerMessage message = ServerMessage.parse(sample("websocket/04-event-envelope.json"));

        assertThat(message)
                .isInstanceOfSatisfying(
                        ServerMessage.Event.class,
                        e -> assertThat(e.event()).isEqualTo(PrefectSamples.event("Completed")));
    }

    @Test
    void shouldParseEveryServerMessageOfTheRecordedSession() {
        for (JsonNode step : PrefectSamples.json("websocket/session-self-hosted.json")) {
            if (step.get("direction").asText().equals("server_to_client")) {
                assertThat(ServerMessage.parse(step.get("message").toString()))
                        .isInstanceOfAny(ServerMessage.AuthSuccess.class, ServerMessage.Event.class);
            }
        }
    }

    @Test
    void shouldKeepNumbersExactlyAsWritten() {
        String frame = "{\"type\":\"event\",\"event\":{\"payload\":{\"ratio\":1.10,\"big\":1e400}}}";
        ServerMessage.Event event = (ServerMessage.Event) ServerMessage.parse(frame);
        assertThat(event.event().toString()).contains("\"ratio\":1.10");
    }

    @Test
    void shouldCallUnknownTypesUnknown() {
        assertThat(ServerMessage.parse("{\"type\":\"keepalive\"}")).isEqualTo(new ServerMessage.Unknown("keepalive"));
    }

    @Test
    void shouldRejectFramesThatAreNotJson() {
        assertThat(ServerMessage.parse("not json {"))
                .isInstanceOfSatisfying(
                        ServerMessage.Malformed.class,
                        m -> assertThat(m.reason()).isEqualTo(FlowRunEventParser.MALFORMED_JSON));
        assertThat(ServerMessage.parse("[1,2]"))
                .isInstanceOfSatisfying(
                        ServerMessage.Malformed.class,
                        m -> assertThat(m.reason()).isEqualTo(FlowRunEventParser.MALFORMED_JSON));
    }

    @Test
    void shouldRejectMessagesWithoutType() {
        String event = PrefectSamples.event("Running").toString();
        assertThat(ServerMessage.parse(event))
                .isEqualTo(new ServerMessage.Malformed(FlowRunEventParser.MISSING_FIELD, "message has no 'type'"));
    }

    @Test
    void shouldRejectEventMessagesWithoutAnEventObject() {
        assertThat(ServerMessage.parse("{\"type\":\"event\",\"event\":\"x\"}"))
                .isInstanceOfSatisfying(
                        ServerMessage.Malformed.class,
                        m -> assertThat(m.reason()).isEqualTo(FlowRunEventParser.NOT_AN_EVENT));
    }
}
