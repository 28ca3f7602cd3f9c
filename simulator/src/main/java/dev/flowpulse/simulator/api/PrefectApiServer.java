package dev.flowpulse.simulator.api;

import dev.flowpulse.simulator.events.EventStore;
import dev.flowpulse.simulator.events.EventStream;
import dev.flowpulse.simulator.runs.FlowRunBook;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The running Jetty 12 server on one port: a {@link WebSocketUpgradeHandler} that upgrades
 * {@code /api/events/out} through {@link EventsOutEndpoint}, in front of the {@link RestHandler}
 * for everything else; plus a pinger that pings open websockets every interval and drops those
 * whose ping stays unanswered as long, like uvicorn
 * ({@code PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL/TIMEOUT}, 20 s each).
 *
 * <p>Lifecycle: {@link #start} binds and serves; {@link #close()} drops every websocket (no close
 * frame, as when the process dies), stops Jetty and frees the port. Thread safe.
 */
public final class PrefectApiServer implements AutoCloseable {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_CLIENT_MESSAGE_BYTES = 1 << 20;
    /** Uvicorn has no websocket idle timeout; liveness is the pings' job, so Jetty's is set far out. */
    static final Duration WEBSOCKET_IDLE_TIMEOUT = Duration.ofMinutes(30);

    private final Server jetty;
    private final ServerConnector connector;
    private final OpenSessions sessions;
    private final ScheduledExecutorService pinger;

    private PrefectApiServer(
            Server jetty, ServerConnector connector, OpenSessions sessions, ScheduledExecutorService pinger) {
        this.jetty = jetty;
        this.connector = connector;
        this.sessions = sessions;
        this.pinger = pinger;
    }

    /** The parts of the simulator the server serves; they outlive a restart of the server. */
    public record Backend(
            AuthPolicy auth,
            EventStore store,
            EventStream stream,
            FlowRunBook runs,
            FaultInjector faults,
            Clock clock,
            Duration backfillWindow,
            int backlog,
            Duration pingInterval) {}

    public static PrefectApiServer start(String host, int port, Backend b) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("prefect-sim-http");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setReuseAddress(true);
        jetty.addConnector(connector);

        OpenSessions sessions = new OpenSessions();
        EventsOutEndpoint eventsOut = new EventsOutEndpoint(new EventsOutContext(
                b.auth(), b.store(), b.stream(), sessions, b.faults(), b.clock(), b.backfillWindow(), b.backlog()));
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(jetty, container -> {
            container.setIdleTimeout(WEBSOCKET_IDLE_TIMEOUT);
            container.setMaxTextMessageSize(MAX_CLIENT_MESSAGE_BYTES);
            container.addMapping(PrefectApi.EVENTS_OUT_PATH, eventsOut);
            container.addMapping(PrefectApi.EVENTS_OUT_PATH + "/", eventsOut);
        });
        PrefectApi api = new PrefectApi(
                b.auth(), b.faults(), new EventsRoutes(b.store(), b.clock()), new FlowRunsRoutes(b.runs(), b.clock()));
        upgrades.setHandler(new RestHandler(api, b.faults()));
        jetty.setHandler(upgrades);
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty);
            throw new IOException("cannot serve on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "prefect-sim-ws-ping");
            t.setDaemon(true);
            return t;
        });
        long every = b.pingInterval().toMillis();
        pinger.scheduleAtFixedRate(() -> sessions.pingAll(b.pingInterval()), every, every, TimeUnit.MILLISECONDS);
        return new PrefectApiServer(jetty, connector, sessions, pinger);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Open event websockets (upgraded, not yet ended). */
    public int openWebSockets() {
        return sessions.size();
    }

    public void dropWebSockets() {
        sessions.dropAll();
    }

    public void closeWebSockets(int code, String reason) {
        sessions.closeAll(code, reason);
    }

    public void silenceWebSockets() {
        sessions.silenceAll();
    }

    @Override
    public void close() {
        pinger.shutdownNow();
        sessions.dropAll();
        stopQuietly(jetty);
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping is best effort; the port is released with the connector either way
        }
    }
}
