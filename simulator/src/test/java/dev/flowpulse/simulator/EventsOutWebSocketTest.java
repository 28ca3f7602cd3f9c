package dev.flowpulse.simulator;

import static dev.flowpulse.simulator.ProbeSupport.ALL_FLOW_RUN_EVENTS;
import static dev.flowpulse.simulator.ProbeSupport.ALL_FLOW_RUN_EVENTS_NO_BACKFILL;
import static dev.flowpulse.simulator.ProbeSupport.MAPPER;
import static dev.flowpulse.simulator.ProbeSupport.ended;
import static dev.flowpulse.simulator.ProbeSupport.eventName;
import static dev.flowpulse.simulator.ProbeSupport.next;
import static dev.flowpulse.simulator.ProbeSupport.nothingArrivesFor;
import static dev.flowpulse.simulator.ProbeSupport.obj;
import static dev.flowpulse.simulator.ProbeSupport.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.testkit.PrefectSamples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code /api/events/out} protocol (reference §2) against the JDK websocket client, as ingest uses it. */
class EventsOutWebSocketTest {

    /** The crimson-fox lifecycle runs 09:00:00–09:07:42; "now" just after it. */
    private static final Clock AT_0910 = Clock.fixed(Instant.parse("2026-05-04T09:10:00Z"), ZoneOffset.UTC);

    @RegisterExtension
    final ProbeSessions sessions = new ProbeSessions();

    private final List<JsonNode> crimsonFox = ProbeSupport.crimsonFox();

    @Test
    void shouldNegotiatePrefectSubprotocolAndAcceptTheRawAuthString() throws Exception {
        PrefectSimulator sim = sessions.simulator(
                PrefectSimulator.builder().authString("admin:pass").clock(AT_0910));
        WebSocketProbe ws = sessions.socket(sim, "prefect");

        assertThat(ws.socket.getSubprotocol()).isEqualTo("prefect");
        ws.send(PrefectSamples.json("websocket/01-auth.json").toString());
        assertThat(next(ws))
                .isEqualTo(PrefectSamples.json("websocket/02-auth_success.json").toString());
        ws.send(PrefectSamples.json("websocket/03-filter.json").toString());
        waiting().until(() -> sim.activeSubscribers() == 1);
    }

    @Test
    void shouldCloseWithPolicyViolationWhenTheFirstMessageIsNotAuth() throws Exception {
        WebSocketProbe ws = sessions.socket(sessions.simulator(PrefectSimulator.builder()), "prefect");

        ws.send(ALL_FLOW_RUN_EVENTS);

        assertThat(ended(ws)).isEqualTo(WebSocketProbe.End.closeFrame(1008, "Expected 'auth' message"));
    }

    @Test
    void shouldCloseWithPolicyViolationForAMissingOrWrongToken() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().authString("admin:pass"));
        WebSocketProbe nullToken = sessions.socket(sim, "prefect");
        WebSocketProbe noToken = sessions.socket(sim, "prefect");
        WebSocketProbe wrong = sessions.socket(sim, "prefect");
        WebSocketProbe base64 = sessions.socket(sim, "prefect");

        nullToken.send("{\"type\":\"auth\",\"token\":null}");
        noToken.send("{\"type\":\"auth\"}");
        wrong.send("{\"type\":\"auth\",\"token\":\"admin:wrong\"}");
        base64.send("{\"type\":\"auth\",\"token\":\"YWRtaW46cGFzcw==\"}");

        assertThat(ended(nullToken))
                .isEqualTo(WebSocketProbe.End.closeFrame(1008, "Auth required but no token provided"));
        assertThat(ended(noToken))
                .isEqualTo(WebSocketProbe.End.closeFrame(1008, "Auth required but no token provided"));
        assertThat(ended(wrong)).isEqualTo(WebSocketProbe.End.closeFrame(1008, "Invalid token"));
        assertThat(ended(base64)).isEqualTo(WebSocketProbe.End.closeFrame(1008, "Invalid token"));
        assertThat(nullToken.messages)
                .as("self-hosted sends no failure message")
                .isEmpty();
    }

    @Test
    void shouldAcceptAnyTokenIncludingNullWithoutAuth() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder());
        for (String token : new String[] {"null", "\"whatever\""}) {
            WebSocketProbe ws = sessions.socket(sim, "prefect");
            ws.send("{\"type\":\"auth\",\"token\":" + token + "}");
            assertThat(next(ws)).isEqualTo("{\"type\":\"auth_success\"}");
        }
    }

    @Test
    void shouldAnnounceAuthFailureBeforeClosingInApiKeyMode() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().apiKey("pnu_right"));
        WebSocketProbe wrong = sessions.socket(sim, "prefect");
        WebSocketProbe right = sessions.socket(sim, "prefect");

        wrong.send("{\"type\":\"auth\",\"token\":\"pnu_wrong\"}");
        right.send("{\"type\":\"auth\",\"token\":\"pnu_right\"}");

        JsonNode failure = MAPPER.readTree(next(wrong));
        assertThat(failure.get("type").textValue()).isEqualTo("auth_failure");
        assertThat(failure.get("reason").textValue()).isNotBlank();
        assertThat(ended(wrong).code()).isEqualTo(1008);
        assertThat(next(right)).isEqualTo("{\"type\":\"auth_success\"}");
    }

    @Test
    void shouldTakeTheFilterFirstWithoutSubprotocolOnlyWhenNoAuthIsConfigured() throws Exception {
        PrefectSimulator open = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        open.publish(obj(crimsonFox.get(0)));
        WebSocketProbe legacy = sessions.socket(open, null);
        legacy.send(ALL_FLOW_RUN_EVENTS);
        assertThat(eventName(next(legacy))).isEqualTo("prefect.flow-run.Scheduled");

        WebSocketProbe refused =
                sessions.socket(sessions.simulator(PrefectSimulator.builder().authString("admin:pass")), null);
        assertThat(refused.socket.getSubprotocol()).isEmpty();
        assertThat(ended(refused).code()).isEqualTo(1002);
    }

    @Test
    void shouldCloseWithProtocolErrorForAMissingOrInvalidFilter() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder());
        WebSocketProbe notFilter = sessions.authenticated(sim);
        WebSocketProbe unknownKey = sessions.authenticated(sim);
        WebSocketProbe nestedUnknownKey = sessions.authenticated(sim);

        notFilter.send("{\"type\":\"subscribe\"}");
        unknownKey.send("{\"type\":\"filter\",\"filter\":{\"colour\":\"red\"}}");
        nestedUnknownKey.send("{\"type\":\"filter\",\"filter\":{\"event\":{\"prefix\":[\"x\"],\"suffix\":[\"y\"]}}}");

        assertThat(ended(notFilter)).isEqualTo(WebSocketProbe.End.closeFrame(1002, "Expected 'filter' message"));
        WebSocketProbe.End close = ended(unknownKey);
        assertThat(close.code()).isEqualTo(1002);
        assertThat(close.reason()).startsWith("Invalid filter: ").contains("colour");
        assertThat(ended(nestedUnknownKey).reason())
                .startsWith("Invalid filter: ")
                .contains("event.suffix");
        assertThat(sim.activeSubscribers()).isZero();
    }

    @Test
    void shouldBackfillStoredEventsAscendingThenStreamLiveEventsInPublishOrder() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        sim.publish(obj(crimsonFox.get(2)));
        sim.publish(obj(crimsonFox.get(0)));
        sim.publish(obj(crimsonFox.get(1)));
        WebSocketProbe ws = sessions.authenticated(sim);

        ws.send(ALL_FLOW_RUN_EVENTS);
        List<String> backfill = List.of(next(ws), next(ws), next(ws));
        waiting().until(() -> sim.activeSubscribers() == 1);
        sim.publish(obj(crimsonFox.get(4)));
        sim.publish(obj(crimsonFox.get(3)));

        assertThat(backfill)
                .extracting(ProbeSupport::eventName)
                .containsExactly(
                        "prefect.flow-run.Scheduled", "prefect.flow-run.Pending", "prefect.flow-run.Submitting");
        assertThat(next(ws))
                .isEqualTo(
                        PrefectSamples.json("websocket/04-event-envelope.json").toString());
        assertThat(eventName(next(ws))).isEqualTo("prefect.flow-run.Running");
    }

    @Test
    void shouldClampTheBackfillToFifteenMinutesByDefaultAndSkipItWhenNotWanted() throws Exception {
        Clock at0920 = Clock.fixed(Instant.parse("2026-05-04T09:20:00Z"), ZoneOffset.UTC);
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(at0920));
        crimsonFox.forEach(e -> sim.publish(obj(e)));

        WebSocketProbe clamped = sessions.authenticated(sim);
        clamped.send(ALL_FLOW_RUN_EVENTS);
        WebSocketProbe noBackfill = sessions.authenticated(sim);
        noBackfill.send(ALL_FLOW_RUN_EVENTS_NO_BACKFILL);

        assertThat(eventName(next(clamped)))
                .as("Scheduled at 09:00 is older than 09:05")
                .isEqualTo("prefect.flow-run.Pending");
        waiting().until(() -> sim.activeSubscribers() == 2);
        nothingArrivesFor(noBackfill, Duration.ofMillis(300));
    }

    @Test
    void shouldApplyOccurredUntilToLiveEvents() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        WebSocketProbe ws = sessions.authenticated(sim);
        ws.send(
                "{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2026-05-04T09:00:00Z\",\"until\":\"2026-05-04T09:06:00Z\"}}}");
        waiting().until(() -> sim.activeSubscribers() == 1);

        sim.publish(obj(crimsonFox.get(4))); // 09:07:42, after until
        sim.publish(obj(crimsonFox.get(3))); // 09:05:09

        assertThat(eventName(next(ws))).isEqualTo("prefect.flow-run.Running");
        nothingArrivesFor(ws, Duration.ofMillis(200));
    }

    @Test
    void shouldNotApplyRelatedCriteriaToLiveEvents() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        sim.publish(obj(crimsonFox.get(0)));
        WebSocketProbe ws = sessions.authenticated(sim);
        ws.send(
                "{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2026-05-04T09:00:00Z\",\"until\":\"2027-01-01T00:00:00Z\"},"
                        + "\"related\":{\"role\":[\"deployment\"],\"labels\":{\"prefect.resource.name\":\"other\"}}}}");
        waiting().until(() -> sim.activeSubscribers() == 1);

        sim.publish(obj(crimsonFox.get(1)));

        assertThat(eventName(next(ws))).as("live, related ignored").isEqualTo("prefect.flow-run.Pending");
    }

    @Test
    void shouldSkipALiveEventOnceWhenItWasAlreadyBackfilled() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        sim.publish(obj(crimsonFox.get(0)));
        WebSocketProbe ws = sessions.authenticated(sim);
        ws.send(ALL_FLOW_RUN_EVENTS);
        assertThat(eventName(next(ws))).isEqualTo("prefect.flow-run.Scheduled");
        waiting().until(() -> sim.activeSubscribers() == 1);

        sim.publish(obj(crimsonFox.get(0))); // redelivered live: already backfilled, skipped
        sim.publish(obj(crimsonFox.get(1)));
        sim.publish(obj(crimsonFox.get(0))); // a second time: delivered

        assertThat(eventName(next(ws))).isEqualTo("prefect.flow-run.Pending");
        assertThat(eventName(next(ws))).isEqualTo("prefect.flow-run.Scheduled");
        assertThat(sim.storedEvents()).hasSize(2);
    }

    @Test
    void shouldAnswerClientPingsWithTheirPayload() throws Exception {
        WebSocketProbe ws = sessions.authenticated(sessions.simulator(PrefectSimulator.builder()));

        ws.ping("hi");

        String pong = waiting().until(ws.pongs::poll, p -> p != null);
        assertThat(pong).isEqualTo("hi");
    }

    @Test
    void shouldPingOpenWebSocketsEveryInterval() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().pingInterval(Duration.ofMillis(100)));
        WebSocketProbe ws = sessions.authenticated(sim);

        waiting().until(() -> ws.pingsReceived.get() >= 3);
        assertThat(ws.ended)
                .as("the JDK client answers, so the server keeps it")
                .isNotDone();
    }

    @Test
    void shouldAnswerAPlainRequestToTheWebSocketPathWith400() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder());

        HttpResponse<String> plain = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(sim.apiUrl() + "/events/out"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).isEqualTo("{\"detail\":\"WebSocket upgrade required\"}");
    }
}
