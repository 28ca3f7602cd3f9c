package dev.flowpulse.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code /api/events/out} protocol against the JDK websocket client, as ingest uses it (reference §2). */
class EventsOutWebSocketTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** The crimson-fox lifecycle runs 09:00:00–09:07:42; "now" just after it. */
    private static final Clock AT_0910 = Clock.fixed(Instant.parse("2026-05-04T09:10:00Z"), ZoneOffset.UTC);

    private static final String ALL_FLOW_RUN_EVENTS =
            "{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2026-05-04T00:00:00Z\","
                    + "\"until\":\"2027-05-04T00:00:00Z\"},\"event\":{\"prefix\":[\"prefect.flow-run.\"]}}}";

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<JsonNode> crimsonFox = lifecycle();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void shouldNegotiatePrefectSubprotocolAndAcceptTheRawAuthString() throws Exception {
        PrefectSimulator sim =
                simulator(PrefectSimulator.builder().authString("admin:pass").clock(AT_0910));
        TestSocket ws = socket(sim, "prefect");

        assertThat(ws.socket.getSubprotocol()).isEqualTo("prefect");
        ws.send(PrefectSamples.json("websocket/01-auth.json").toString());
        assertThat(ws.next(WAIT))
                .isEqualTo(PrefectSamples.json("websocket/02-auth_success.json").toString());
        ws.send(PrefectSamples.json("websocket/03-filter.json").toString());
        awaitTrue(() -> sim.activeSubscribers() == 1);
    }

    @Test
    void shouldCloseWithPolicyViolationWhenTheFirstMessageIsNotAuth() throws Exception {
        TestSocket ws = socket(simulator(PrefectSimulator.builder()), "prefect");

        ws.send(ALL_FLOW_RUN_EVENTS);

        assertThat(ws.awaitClose()).isEqualTo(new TestSocket.Close(1008, "Expected 'auth' message"));
    }

    @Test
    void shouldCloseWithPolicyViolationForAMissingOrWrongToken() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().authString("admin:pass"));
        TestSocket nullToken = socket(sim, "prefect");
        TestSocket noToken = socket(sim, "prefect");
        TestSocket wrong = socket(sim, "prefect");
        TestSocket base64 = socket(sim, "prefect");

        nullToken.send("{\"type\":\"auth\",\"token\":null}");
        noToken.send("{\"type\":\"auth\"}");
        wrong.send("{\"type\":\"auth\",\"token\":\"admin:wrong\"}");
        base64.send("{\"type\":\"auth\",\"token\":\"YWRtaW46cGFzcw==\"}");

        assertThat(nullToken.awaitClose()).isEqualTo(new TestSocket.Close(1008, "Auth required but no token provided"));
        assertThat(noToken.awaitClose()).isEqualTo(new TestSocket.Close(1008, "Auth required but no token provided"));
        assertThat(wrong.awaitClose()).isEqualTo(new TestSocket.Close(1008, "Invalid token"));
        assertThat(base64.awaitClose()).isEqualTo(new TestSocket.Close(1008, "Invalid token"));
        assertThat(nullToken.messages).isEmpty();
    }

    @Test
    void shouldAcceptAnyTokenIncludingNullWithoutAuth() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder());
        for (String token : new String[] {"null", "\"whatever\""}) {
            TestSocket ws = socket(sim, "prefect");
            ws.send("{\"type\":\"auth\",\"token\":" + token + "}");
            assertThat(ws.next(WAIT)).isEqualTo("{\"type\":\"auth_success\"}");
        }
    }

    @Test
    void shouldAnnounceAuthFailureBeforeClosingInApiKeyMode() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().apiKey("pnu_right"));
        TestSocket wrong = socket(sim, "prefect");
        TestSocket right = socket(sim, "prefect");

        wrong.send("{\"type\":\"auth\",\"token\":\"pnu_wrong\"}");
        right.send("{\"type\":\"auth\",\"token\":\"pnu_right\"}");

        JsonNode failure = MAPPER.readTree(wrong.next(WAIT));
        assertThat(failure.get("type").textValue()).isEqualTo("auth_failure");
        assertThat(failure.get("reason").textValue()).isNotBlank();
        assertThat(wrong.awaitClose().code()).isEqualTo(1008);
        assertThat(right.next(WAIT)).isEqualTo("{\"type\":\"auth_success\"}");
    }

    @Test
    void shouldTakeTheFilterFirstWithoutSubprotocolOnlyWhenNoAuthIsConfigured() throws Exception {
        PrefectSimulator open = simulator(PrefectSimulator.builder().clock(AT_0910));
        open.publish(obj(crimsonFox.get(0)));
        TestSocket legacy = socket(open, null);
        legacy.send(ALL_FLOW_RUN_EVENTS);
        assertThat(MAPPER.readTree(legacy.next(WAIT)).get("type").textValue()).isEqualTo("event");

        TestSocket refused = socket(simulator(PrefectSimulator.builder().authString("admin:pass")), null);
        assertThat(refused.socket.getSubprotocol()).isEmpty();
        assertThat(refused.awaitClose().code()).isEqualTo(1002);
    }

    @Test
    void shouldCloseWithProtocolErrorForAMissingOrInvalidFilter() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder());
        TestSocket notFilter = authenticated(sim);
        TestSocket unknownKey = authenticated(sim);
        TestSocket nestedUnknownKey = authenticated(sim);

        notFilter.send("{\"type\":\"subscribe\"}");
        unknownKey.send("{\"type\":\"filter\",\"filter\":{\"colour\":\"red\"}}");
        nestedUnknownKey.send("{\"type\":\"filter\",\"filter\":{\"event\":{\"prefix\":[\"x\"],\"suffix\":[\"y\"]}}}");

        assertThat(notFilter.awaitClose()).isEqualTo(new TestSocket.Close(1002, "Expected 'filter' message"));
        TestSocket.Close close = unknownKey.awaitClose();
        assertThat(close.code()).isEqualTo(1002);
        assertThat(close.reason()).startsWith("Invalid filter: ").contains("colour");
        assertThat(nestedUnknownKey.awaitClose().reason())
                .startsWith("Invalid filter: ")
                .contains("event.suffix");
        assertThat(sim.activeSubscribers()).isZero();
    }

    @Test
    void shouldBackfillStoredEventsAscendingThenStreamLiveEventsInPublishOrder() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(AT_0910));
        sim.publish(obj(crimsonFox.get(2)));
        sim.publish(obj(crimsonFox.get(0)));
        sim.publish(obj(crimsonFox.get(1)));
        TestSocket ws = authenticated(sim);

        ws.send(ALL_FLOW_RUN_EVENTS);
        List<String> backfill = List.of(ws.next(WAIT), ws.next(WAIT), ws.next(WAIT));
        awaitTrue(() -> sim.activeSubscribers() == 1);
        sim.publish(obj(crimsonFox.get(4)));
        sim.publish(obj(crimsonFox.get(3)));

        assertThat(backfill)
                .extracting(EventsOutWebSocketTest::eventName)
                .containsExactly(
                        "prefect.flow-run.Scheduled", "prefect.flow-run.Pending", "prefect.flow-run.Submitting");
        assertThat(ws.next(WAIT))
                .isEqualTo(
                        PrefectSamples.json("websocket/04-event-envelope.json").toString());
        assertThat(eventName(ws.next(WAIT))).isEqualTo("prefect.flow-run.Running");
    }

    @Test
    void shouldClampTheBackfillToTheWindowAndSkipItWhenNotWanted() throws Exception {
        Clock at0920 = Clock.fixed(Instant.parse("2026-05-04T09:20:00Z"), ZoneOffset.UTC);
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(at0920));
        crimsonFox.forEach(e -> sim.publish(obj(e)));

        TestSocket clamped = authenticated(sim);
        clamped.send(ALL_FLOW_RUN_EVENTS);
        TestSocket noBackfill = authenticated(sim);
        noBackfill.send(ALL_FLOW_RUN_EVENTS.replaceFirst("}$", ",\"backfill\":false}"));

        assertThat(eventName(clamped.next(WAIT)))
                .as("Scheduled at 09:00 is older than 09:05")
                .isEqualTo("prefect.flow-run.Pending");
        awaitTrue(() -> sim.activeSubscribers() == 2);
        assertThat(noBackfill.next(Duration.ofMillis(300))).isNull();
    }

    @Test
    void shouldApplyOccurredUntilToLiveEvents() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(AT_0910));
        TestSocket ws = authenticated(sim);
        ws.send(
                "{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2026-05-04T09:00:00Z\",\"until\":\"2026-05-04T09:06:00Z\"}}}");
        awaitTrue(() -> sim.activeSubscribers() == 1);

        sim.publish(obj(crimsonFox.get(4))); // 09:07:42, after until
        sim.publish(obj(crimsonFox.get(3))); // 09:05:09

        assertThat(eventName(ws.next(WAIT))).isEqualTo("prefect.flow-run.Running");
        assertThat(ws.next(Duration.ofMillis(200))).isNull();
    }

    @Test
    void shouldNotApplyRelatedCriteriaToLiveEvents() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(AT_0910));
        sim.publish(obj(crimsonFox.get(0)));
        TestSocket ws = authenticated(sim);
        ws.send(
                "{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2026-05-04T09:00:00Z\",\"until\":\"2027-01-01T00:00:00Z\"},"
                        + "\"related\":{\"role\":[\"deployment\"],\"labels\":{\"prefect.resource.name\":\"other\"}}}}");
        awaitTrue(() -> sim.activeSubscribers() == 1);

        sim.publish(obj(crimsonFox.get(1)));

        assertThat(eventName(ws.next(WAIT))).as("live, related ignored").isEqualTo("prefect.flow-run.Pending");
    }

    @Test
    void shouldSkipALiveEventOnceWhenItWasAlreadyBackfilled() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(AT_0910));
        sim.publish(obj(crimsonFox.get(0)));
        TestSocket ws = authenticated(sim);
        ws.send(ALL_FLOW_RUN_EVENTS);
        assertThat(eventName(ws.next(WAIT))).isEqualTo("prefect.flow-run.Scheduled");
        awaitTrue(() -> sim.activeSubscribers() == 1);

        sim.publish(obj(crimsonFox.get(0))); // redelivered live: already backfilled, skipped
        sim.publish(obj(crimsonFox.get(1)));
        sim.publish(obj(crimsonFox.get(0))); // a second time: delivered

        assertThat(eventName(ws.next(WAIT))).isEqualTo("prefect.flow-run.Pending");
        assertThat(eventName(ws.next(WAIT))).isEqualTo("prefect.flow-run.Scheduled");
        assertThat(sim.storedEvents()).hasSize(2);
    }

    @Test
    void shouldDropEventsForASlowSubscriberOnceItsBacklogIsFull() throws Exception {
        PrefectSimulator sim =
                simulator(PrefectSimulator.builder().clock(AT_0910).subscriberBacklog(4));
        TestSocket slow = TestSocket.connect(sim.apiUrl(), "prefect", false);
        resources.add(slow);
        slow.send("{\"type\":\"auth\",\"token\":null}");
        assertThat(slow.next(WAIT)).isEqualTo("{\"type\":\"auth_success\"}");
        slow.send(ALL_FLOW_RUN_EVENTS.replaceFirst("}$", ",\"backfill\":false}"));
        awaitTrue(() -> sim.activeSubscribers() == 1);

        int published = 200;
        for (int i = 0; i < published; i++) {
            sim.publish(bigEvent(i));
        }
        long dropped = sim.droppedEvents();
        slow.request(Long.MAX_VALUE);
        int received = 0;
        while (slow.next(Duration.ofMillis(500)) != null) {
            received++;
        }

        assertThat(dropped).isPositive();
        assertThat(received).isEqualTo(published - dropped);
    }

    @Test
    void shouldDropEveryConnectionWithoutACloseFrame() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(AT_0910));
        TestSocket ws = authenticated(sim);
        ws.send(ALL_FLOW_RUN_EVENTS);
        awaitTrue(() -> sim.activeSubscribers() == 1);

        sim.dropConnections();

        awaitTrue(() -> ws.closed.isDone());
        assertThat(ws.closed.isCompletedExceptionally() || ws.closed.get().code() == 1006)
                .isTrue();
        awaitTrue(() -> sim.activeSubscribers() == 0);
    }

    @Test
    void shouldSendACloseFrameToEverySubscriber() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(AT_0910));
        TestSocket a = authenticated(sim);
        TestSocket b = authenticated(sim);
        a.send(ALL_FLOW_RUN_EVENTS);
        b.send(ALL_FLOW_RUN_EVENTS);
        awaitTrue(() -> sim.activeSubscribers() == 2);

        sim.closeConnections(1012, "Service restart");

        assertThat(a.awaitClose()).isEqualTo(new TestSocket.Close(1012, "Service restart"));
        assertThat(b.awaitClose()).isEqualTo(new TestSocket.Close(1012, "Service restart"));
        awaitTrue(() -> sim.activeSubscribers() == 0);
    }

    @Test
    void shouldAnswerClientPings() throws Exception {
        TestSocket ws = authenticated(simulator(PrefectSimulator.builder()));

        ws.socket
                .sendPing(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);

        ByteBuffer pong = ws.pongs.poll(5, TimeUnit.SECONDS);
        assertThat(pong).isNotNull();
        assertThat(StandardCharsets.UTF_8.decode(pong).toString()).isEqualTo("hi");
    }

    private PrefectSimulator simulator(PrefectSimulator.Builder builder) throws Exception {
        PrefectSimulator sim = builder.build().start();
        resources.add(sim);
        return sim;
    }

    private TestSocket socket(PrefectSimulator sim, String subprotocol) throws Exception {
        TestSocket ws = TestSocket.connect(sim.apiUrl(), subprotocol);
        resources.add(ws);
        return ws;
    }

    private TestSocket authenticated(PrefectSimulator sim) throws Exception {
        TestSocket ws = socket(sim, "prefect");
        ws.send("{\"type\":\"auth\",\"token\":null}");
        assertThat(ws.next(WAIT)).isEqualTo("{\"type\":\"auth_success\"}");
        return ws;
    }

    private static List<JsonNode> lifecycle() {
        List<JsonNode> events = new ArrayList<>();
        PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json").forEach(events::add);
        return events;
    }

    private ObjectNode bigEvent(int i) {
        ObjectNode e = obj(crimsonFox.get(3));
        e.put("id", new UUID(0x019df23bf8f27751L, 0x8000000000000000L | i).toString());
        ((ObjectNode) e.get("payload")).put("padding", "x".repeat(64 * 1024));
        return e;
    }

    private static ObjectNode obj(JsonNode node) {
        return (ObjectNode) node.deepCopy();
    }

    private static String eventName(String message) {
        try {
            JsonNode node = MAPPER.readTree(message);
            assertThat(node.get("type").textValue()).isEqualTo("event");
            return node.get("event").get("event").textValue();
        } catch (Exception e) {
            throw new AssertionError("not an event message: " + message, e);
        }
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
