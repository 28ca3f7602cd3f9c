package dev.flowpulse.simulator;

import static dev.flowpulse.simulator.ProbeSupport.ALL_FLOW_RUN_EVENTS;
import static dev.flowpulse.simulator.ProbeSupport.ALL_FLOW_RUN_EVENTS_NO_BACKFILL;
import static dev.flowpulse.simulator.ProbeSupport.bigEvent;
import static dev.flowpulse.simulator.ProbeSupport.ended;
import static dev.flowpulse.simulator.ProbeSupport.eventName;
import static dev.flowpulse.simulator.ProbeSupport.next;
import static dev.flowpulse.simulator.ProbeSupport.nothingArrivesFor;
import static dev.flowpulse.simulator.ProbeSupport.obj;
import static dev.flowpulse.simulator.ProbeSupport.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every websocket fault of {@link SimulatorFaults}, plus the backlog and backfill-depth limits, as a client sees them. */
class WebSocketFaultsTest {

    private static final Clock AT_0910 = Clock.fixed(Instant.parse("2026-05-04T09:10:00Z"), ZoneOffset.UTC);

    @RegisterExtension
    final ProbeSessions sessions = new ProbeSessions();

    private final List<JsonNode> crimsonFox = ProbeSupport.crimsonFox();

    @Test
    void shouldAnswerTheUpgradeWithTheChosenStatusUntilUpgradesAreAcceptedAgain() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder());
        sim.faults().rejectNextUpgrades(1, 401);
        assertThat(refusedStatus(sim)).isEqualTo(401);

        sim.faults().rejectUpgrades(403);
        assertThat(refusedStatus(sim)).isEqualTo(403);
        assertThat(refusedStatus(sim)).isEqualTo(403);
        sim.faults().acceptUpgrades();

        WebSocketProbe accepted = sessions.authenticated(sim);
        assertThat(accepted.socket.getSubprotocol()).isEqualTo("prefect");
        assertThat(sim.faults().rejectedUpgrades()).isEqualTo(3);
        assertThat(sim.faults().upgradeAttempts()).isEqualTo(4);
    }

    @Test
    void shouldDropEveryConnectionWithoutACloseFrame() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        WebSocketProbe ws = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 1);

        sim.faults().dropConnections();

        assertThat(ended(ws).abrupt()).isTrue();
        waiting().until(() -> sim.activeSubscribers() == 0);
    }

    @Test
    void shouldSendACloseFrameToEverySubscriber() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        WebSocketProbe a = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 1);
        WebSocketProbe b = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 2);

        sim.faults().closeConnections(1012, "Service restart");

        assertThat(ended(a)).isEqualTo(WebSocketProbe.End.closeFrame(1012, "Service restart"));
        assertThat(ended(b)).isEqualTo(WebSocketProbe.End.closeFrame(1012, "Service restart"));
        waiting().until(() -> sim.activeSubscribers() == 0);
    }

    @Test
    void shouldKeepSilentConnectionsOpenWithoutSendingAnything() throws Exception {
        PrefectSimulator sim =
                sessions.simulator(PrefectSimulator.builder().clock(AT_0910).pingInterval(Duration.ofMillis(100)));
        WebSocketProbe hung = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 1);
        waiting().until(() -> hung.pingsReceived.get() >= 1);

        sim.faults().goSilent();
        int pingsBefore = hung.pingsReceived.get();
        sim.publish(obj(crimsonFox.get(3)));
        hung.ping("anyone?");
        WebSocketProbe newcomer = sessions.socket(sim, "prefect");
        newcomer.send("{\"type\":\"auth\",\"token\":null}");

        Duration quiet = Duration.ofMillis(800); // eight ping intervals
        await().during(quiet)
                .atMost(quiet.plus(ProbeSupport.WAIT))
                .until(() -> hung.messages.isEmpty()
                        && hung.pongs.isEmpty()
                        && hung.pingsReceived.get() <= pingsBefore + 1 // one may have been on its way
                        && !hung.ended.isDone()
                        && newcomer.messages.isEmpty()
                        && !newcomer.ended.isDone());

        sim.faults().speakAgain();
        WebSocketProbe later = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 1);
        assertThat(eventName(next(later)))
                .as("stored while silent, backfilled after")
                .isEqualTo("prefect.flow-run.Running");
        nothingArrivesFor(hung, Duration.ofMillis(200));
    }

    @Test
    void shouldDropEventsForARealSlowReaderOnceItsBacklogIsFull() throws Exception {
        PrefectSimulator sim =
                sessions.simulator(PrefectSimulator.builder().clock(AT_0910).subscriberBacklog(4));
        WebSocketProbe slow = WebSocketProbe.connectSlowReader(sim.apiUrl());
        sessions.add(slow);
        slow.send("{\"type\":\"auth\",\"token\":null}");
        assertThat(next(slow)).isEqualTo("{\"type\":\"auth_success\"}");
        slow.send(ALL_FLOW_RUN_EVENTS_NO_BACKFILL);
        waiting().until(() -> sim.activeSubscribers() == 1);

        int published = 200; // 64 KiB each: far more than the socket buffers hold
        for (int i = 0; i < published; i++) {
            sim.publish(bigEvent(crimsonFox.get(3), i));
        }
        long dropped = sim.droppedEvents();
        slow.request(Long.MAX_VALUE);

        assertThat(dropped).isPositive();
        waiting().until(() -> slow.messages.size() == published - dropped);
        slow.messages.clear();
        nothingArrivesFor(slow, Duration.ofMillis(300));
        assertThat(sim.droppedEvents()).isEqualTo(dropped);
    }

    @Test
    void shouldDropExactlyWhatExceedsPrefectsDefaultBacklogWhileDeliveryIsStalled() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        WebSocketProbe ws = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS_NO_BACKFILL, 1);

        sim.faults().stallDelivery();
        List<ObjectNode> burst = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            burst.add(smallEvent(i));
        }
        sim.publish(burst);
        assertThat(sim.droppedEvents()).isEqualTo(300 - 256);
        sim.faults().resumeDelivery();

        waiting().until(() -> ws.messages.size() == 256);
        List<String> received = new ArrayList<>();
        ws.messages.drainTo(received);
        assertThat(received)
                .extracting(ProbeSupport::eventId)
                .containsExactlyElementsOf(burst.subList(0, 256).stream()
                        .map(e -> e.get("id").textValue())
                        .toList());
        nothingArrivesFor(ws, Duration.ofMillis(300));
    }

    @Test
    void shouldClampTheBackfillToAConfiguredDepth() throws Exception {
        PrefectSimulator sim =
                sessions.simulator(PrefectSimulator.builder().clock(AT_0910).backfillWindow(Duration.ofMinutes(3)));
        crimsonFox.forEach(e -> sim.publish(obj(e)));

        WebSocketProbe ws = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 1);

        assertThat(eventName(next(ws))).as("only 09:07:42 is after 09:07").isEqualTo("prefect.flow-run.Completed");
        nothingArrivesFor(ws, Duration.ofMillis(300));
    }

    @Test
    void shouldKeepStoredEventsAndThePortAcrossARestart() throws Exception {
        PrefectSimulator sim = sessions.simulator(PrefectSimulator.builder().clock(AT_0910));
        String apiUrl = sim.apiUrl().toString();
        sim.publish(obj(crimsonFox.get(0)));
        WebSocketProbe before = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 1);
        assertThat(eventName(next(before))).isEqualTo("prefect.flow-run.Scheduled");

        sim.faults().stopServer();
        assertThat(ended(before).abrupt()).isTrue();
        assertThatThrownBy(
                        () -> WebSocketProbe.open(sim.apiUrl(), "prefect", true).get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(java.net.ConnectException.class);
        sim.publish(obj(crimsonFox.get(1))); // stored while the server is down
        sim.faults().startServer();

        assertThat(sim.apiUrl().toString()).isEqualTo(apiUrl);
        WebSocketProbe after = sessions.subscribed(sim, ALL_FLOW_RUN_EVENTS, 1);
        assertThat(List.of(next(after), next(after)))
                .extracting(ProbeSupport::eventName)
                .containsExactly("prefect.flow-run.Scheduled", "prefect.flow-run.Pending");
        assertThat(sim.storedEvents()).hasSize(2);
    }

    private int refusedStatus(PrefectSimulator sim) throws Exception {
        try {
            WebSocketProbe unexpected =
                    WebSocketProbe.open(sim.apiUrl(), "prefect", true).get(20, TimeUnit.SECONDS);
            sessions.add(unexpected);
            throw new AssertionError("upgrade was accepted");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    private ObjectNode smallEvent(int i) {
        ObjectNode e = bigEvent(crimsonFox.get(3), i);
        ((ObjectNode) e.get("payload")).remove("padding");
        return e;
    }
}
