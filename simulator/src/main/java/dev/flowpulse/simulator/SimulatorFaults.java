package dev.flowpulse.simulator;

import dev.flowpulse.simulator.api.FaultInjector;
import dev.flowpulse.simulator.events.EventStream;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults a {@link PrefectSimulator} produces on demand, for tests; the local run uses none.
 * Each switch stays as set until changed or {@link #clear()}. The subscriber backlog (Prefect's
 * 256-event queue) and the backfill depth are builder options
 * ({@link PrefectSimulator.Builder#subscriberBacklog}, {@link PrefectSimulator.Builder#backfillWindow}).
 *
 * <p>Thread safe. Switches that act on open connections need the server running.
 */
public final class SimulatorFaults {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorFaults.class);

    private final PrefectSimulator simulator;
    private final FaultInjector injector;
    private final EventStream stream;

    SimulatorFaults(PrefectSimulator simulator, FaultInjector injector, EventStream stream) {
        this.simulator = simulator;
        this.injector = injector;
        this.stream = stream;
    }

    // --- websocket upgrade ---

    /** Every websocket upgrade is answered with this HTTP status (e.g. 401, 403) until {@link #acceptUpgrades()}. */
    public void rejectUpgrades(int status) {
        injector.rejectUpgrades(Integer.MAX_VALUE, status);
    }

    /** The next {@code count} websocket upgrades are answered with this HTTP status. */
    public void rejectNextUpgrades(int count, int status) {
        injector.rejectUpgrades(count, status);
    }

    public void acceptUpgrades() {
        injector.rejectUpgrades(0, 403);
    }

    /** Websocket upgrade requests seen since the simulator was built (refused or not). */
    public long upgradeAttempts() {
        return injector.upgradeAttempts();
    }

    public long rejectedUpgrades() {
        return injector.rejectedUpgrades();
    }

    // --- open websockets ---

    /** Closes every open websocket's TCP connection without a close frame, as a network failure. */
    public void dropConnections() {
        simulator.requireServing().dropWebSockets();
    }

    /** Sends every open websocket a close frame with this code and reason (a clean close). */
    public void closeConnections(int code, String reason) {
        simulator.requireServing().closeWebSockets(code, reason);
    }

    /**
     * The server goes silent: open websockets and those opened from now on keep their TCP connection
     * but send no frame (no events, no {@code auth_success}, no pings, no pongs) and ignore what they
     * receive. {@link #speakAgain()} serves new connections normally; silenced ones stay silent.
     */
    public void goSilent() {
        injector.silent(true);
        simulator.requireServing().silenceWebSockets();
    }

    public void speakAgain() {
        injector.silent(false);
    }

    /**
     * Stalls delivery to every subscriber as a reader too slow to keep up would: live events pile
     * up in each subscriber's backlog, and once it is full further events are dropped for that
     * subscriber ({@link PrefectSimulator#droppedEvents()}). {@link #resumeDelivery()} sends what is queued.
     */
    public void stallDelivery() {
        stream.hold(true);
    }

    public void resumeDelivery() {
        stream.hold(false);
    }

    // --- REST ---

    /** The next {@code count} REST calls (not health/ready) answer {@code status}; {@code Retry-After} (whole seconds, rounded up) when given. */
    public void failNextRequests(int count, int status, Duration retryAfter) {
        injector.failNext(count, status, retryAfter);
    }

    /** Every REST answer (not health/ready) is sent this much later; {@link Duration#ZERO} ends it. */
    public void delayResponses(Duration delay) {
        injector.delayResponses(delay);
    }

    // --- the server process ---

    /** Stops the server as a crash would: websockets dropped without close frames, port closed. Stored events are kept. */
    public void stopServer() {
        simulator.stopServing();
        LOG.info(
                "Prefect simulator server stopped (fault); {} stored events kept",
                simulator.storedEvents().size());
    }

    /** Starts a stopped server again on the same port, with the events stored so far. */
    public void startServer() throws IOException {
        simulator.serve(simulator.boundPort());
        LOG.info("Prefect simulator server serving again at {}", simulator.apiUrl());
    }

    /** {@link #stopServer()} then {@link #startServer()}. */
    public void restartServer() throws IOException {
        stopServer();
        startServer();
    }

    /** Turns every switch off: upgrades accepted, no silence for new connections, delivery resumed, REST normal. */
    public void clear() {
        injector.clear();
        stream.hold(false);
    }
}
