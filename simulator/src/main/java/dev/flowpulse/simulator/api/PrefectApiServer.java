package dev.flowpulse.simulator.api;

import dev.flowpulse.simulator.events.EventStore;
import dev.flowpulse.simulator.events.EventStream;
import dev.flowpulse.simulator.http.HttpServerLoop;
import dev.flowpulse.simulator.runs.FlowRunBook;
import dev.flowpulse.simulator.websocket.OpenWebSockets;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running HTTP/websocket server: wires the {@link PrefectApi} routes onto an
 * {@link HttpServerLoop} and pings open websockets every 20 s like uvicorn
 * ({@code PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL/TIMEOUT}).
 *
 * <p>Lifecycle: {@link #start} binds; {@link #close()} stops pinging and closes every connection.
 * Thread safe.
 */
public final class PrefectApiServer implements AutoCloseable {

    static final Duration PING_INTERVAL = Duration.ofSeconds(20);
    static final int MAX_CONNECTIONS = 256;

    private final HttpServerLoop loop;
    private final OpenWebSockets sockets;
    private final FaultInjector faults;
    private final ScheduledExecutorService pinger;

    private PrefectApiServer(
            HttpServerLoop loop, OpenWebSockets sockets, FaultInjector faults, ScheduledExecutorService pinger) {
        this.loop = loop;
        this.sockets = sockets;
        this.faults = faults;
        this.pinger = pinger;
    }

    public static PrefectApiServer start(
            String host,
            int port,
            AuthPolicy auth,
            EventStore store,
            EventStream stream,
            FlowRunBook runs,
            Clock clock,
            Duration backfillWindow,
            int backlog)
            throws IOException {
        OpenWebSockets sockets = new OpenWebSockets();
        FaultInjector faults = new FaultInjector();
        EventsOutEndpoint eventsOut =
                new EventsOutEndpoint(auth, store, stream, sockets, clock, backfillWindow, backlog);
        PrefectApi api = new PrefectApi(
                auth, faults, eventsOut, new EventsRoutes(store, clock), new FlowRunsRoutes(runs, clock));
        HttpServerLoop loop = new HttpServerLoop(host, port, MAX_CONNECTIONS, api).start();
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "prefect-sim-ws-ping");
            t.setDaemon(true);
            return t;
        });
        pinger.scheduleAtFixedRate(
                () -> sockets.pingAll(PING_INTERVAL),
                PING_INTERVAL.toMillis(),
                PING_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        return new PrefectApiServer(loop, sockets, faults, pinger);
    }

    public int port() {
        return loop.port();
    }

    public OpenWebSockets sockets() {
        return sockets;
    }

    public FaultInjector faults() {
        return faults;
    }

    @Override
    public void close() {
        pinger.shutdownNow();
        sockets.dropAll();
        loop.close();
    }
}
