package dev.flowpulse.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.api.AuthPolicy;
import dev.flowpulse.simulator.api.FaultInjector;
import dev.flowpulse.simulator.api.PrefectApiServer;
import dev.flowpulse.simulator.events.EventStore;
import dev.flowpulse.simulator.events.EventStream;
import dev.flowpulse.simulator.events.StoredEvent;
import dev.flowpulse.simulator.runs.FlowRunBook;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake Prefect 3.x server on one port (Jetty 12): the event websocket {@code /api/events/out} and
 * the REST read endpoints, speaking the wire protocol of the shared Prefect reference exactly.
 * Tests publish ReceivedEvents into it (stored for backfill and REST, pushed live to matching
 * subscribers) and inject faults through {@link #faults()}.
 *
 * <p>Lifecycle: {@link #builder()} → {@link Builder#build()} → {@link #start()} → {@link #close()}
 * (idempotent; stops live traffic, closes every connection). The stored events and runs belong to
 * this object, not to the server, so {@link SimulatorFaults#restartServer()} keeps them. Thread safe.
 */
public final class PrefectSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrefectSimulator.class);
    static final int STORED_EVENTS_CAPACITY = 50_000;
    static final int RUNS_CAPACITY = 20_000;

    private final String host;
    private final int port;
    private final AuthPolicy auth;
    private final Clock clock;
    private final Duration backfillWindow;
    private final int subscriberBacklog;
    private final Duration pingInterval;
    private final FaultInjector faultInjector = new FaultInjector();
    private final EventStore store = new EventStore(STORED_EVENTS_CAPACITY);
    private final EventStream stream = new EventStream();
    private final SimulatorFaults faults;
    private final FlowRunBook runs = new FlowRunBook(RUNS_CAPACITY);
    private final Object publishLock = new Object();
    private final List<LiveTraffic> traffic = new CopyOnWriteArrayList<>();
    private volatile PrefectApiServer server;
    private volatile int boundPort = -1;

    private PrefectSimulator(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.auth = b.authString != null
                ? AuthPolicy.authString(b.authString)
                : b.apiKey != null ? AuthPolicy.apiKey(b.apiKey) : AuthPolicy.none();
        this.clock = b.clock;
        this.backfillWindow = b.backfillWindow;
        this.subscriberBacklog = b.subscriberBacklog;
        this.pingInterval = b.pingInterval;
        this.faults = new SimulatorFaults(this, faultInjector, stream);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a simulator; not thread safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String authString;
        private String apiKey;
        private Clock clock = Clock.systemUTC();
        private Duration backfillWindow = Duration.ofMinutes(15);
        private int subscriberBacklog = 256;
        private Duration pingInterval = Duration.ofSeconds(20);

        private Builder() {}

        /** Interface to bind; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port; default 0 = ephemeral. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Self-hosted mode with {@code PREFECT_SERVER_API_AUTH_STRING} semantics. */
        public Builder authString(String authString) {
            this.authString = authString;
            return this;
        }

        /** Prefect-Cloud-like mode: Bearer REST auth, websocket {@code auth_failure} message on a bad key. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@code PREFECT_SERVER_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL}; default 15 minutes. */
        public Builder backfillWindow(Duration window) {
            this.backfillWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /** Per-subscriber live queue ({@code SUBSCRIPTION_BACKLOG}); default 256. */
        public Builder subscriberBacklog(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("subscriberBacklog must be >= 1");
            }
            this.subscriberBacklog = events;
            return this;
        }

        /** {@code PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL} (also the pong timeout); default 20 s. */
        public Builder pingInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pingInterval must be positive");
            }
            this.pingInterval = interval;
            return this;
        }

        public PrefectSimulator build() {
            if (authString != null && apiKey != null) {
                throw new IllegalStateException(
                        "choose either authString (self-hosted) or apiKey (Cloud-like), not both");
            }
            return new PrefectSimulator(this);
        }
    }

    /** Binds the port and starts serving; returns this. */
    public synchronized PrefectSimulator start() throws IOException {
        if (boundPort >= 0) {
            throw new IllegalStateException("already started");
        }
        serve(port);
        LOG.info("Prefect simulator listening on {} (auth: {})", apiUrl(), auth.mode());
        return this;
    }

    /** Binds (again) and serves; the stored events are this object's and survive. */
    synchronized void serve(int onPort) throws IOException {
        if (server != null) {
            throw new IllegalStateException("server already running");
        }
        server = PrefectApiServer.start(
                host,
                onPort,
                new PrefectApiServer.Backend(
                        auth,
                        store,
                        stream,
                        runs,
                        faultInjector,
                        clock,
                        backfillWindow,
                        subscriberBacklog,
                        pingInterval));
        boundPort = server.port();
    }

    /** Stops serving (port freed, websockets dropped); {@link #serve} brings it back. */
    synchronized void stopServing() {
        PrefectApiServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }

    synchronized int boundPort() {
        if (boundPort < 0) {
            throw new IllegalStateException("simulator not started");
        }
        return boundPort;
    }

    /** {@code http://host:port/api}, no trailing slash; stable across {@link SimulatorFaults#restartServer()}. */
    public URI apiUrl() {
        return URI.create("http://" + host + ":" + boundPort() + "/api");
    }

    /** The faults this simulator can produce on demand; none are active unless a test turns them on. */
    public SimulatorFaults faults() {
        return faults;
    }

    /**
     * Stores a ReceivedEvent (ignored for storage if its id is already stored, like Prefect's event
     * table) and pushes it to every live subscriber whose filter includes it.
     *
     * @throws IllegalArgumentException when it is not a valid ReceivedEvent
     */
    public void publish(ObjectNode receivedEvent) {
        StoredEvent event = StoredEvent.from(receivedEvent, clock.instant());
        synchronized (publishLock) {
            if (store.add(event)) {
                runs.record(event, event.received());
            }
            stream.publish(event);
        }
    }

    public void publish(List<ObjectNode> receivedEvents) {
        receivedEvents.forEach(this::publish);
    }

    /** Copies of the stored events, ascending by occurred. */
    public List<ObjectNode> storedEvents() {
        List<ObjectNode> copies = new ArrayList<>();
        store.all().forEach(e -> copies.add(e.toJson()));
        return copies;
    }

    /** Websockets past the filter handshake. */
    public int activeSubscribers() {
        return stream.size();
    }

    /**
     * Websockets whose backfill is sent (for tests): an event published now reaches them only
     * through their live backlog. Before that, it may also come in the backfill, which no stall holds.
     */
    public int liveSubscribers() {
        return stream.liveSize();
    }

    /** Live events dropped because a subscriber's backlog was full (for tests). */
    public long droppedEvents() {
        return stream.droppedEvents();
    }

    /** Abruptly closes every websocket (no close frame), as a network drop. Same as {@code faults().dropConnections()}. */
    public void dropConnections() {
        faults.dropConnections();
    }

    /** Sends a websocket close frame with this code and reason to every subscriber. Same as {@code faults().closeConnections}. */
    public void closeConnections(int code, String reason) {
        faults.closeConnections(code, reason);
    }

    /** The next {@code count} REST calls (not health/ready) answer {@code status}. Same as {@code faults().failNextRequests}. */
    public void failNextRequests(int count, int status, Duration retryAfter) {
        faults.failNextRequests(count, status, retryAfter);
    }

    /** Starts background traffic; closed with the simulator at the latest. */
    public LiveTraffic startLiveTraffic(long seed, double runsPerSecond) {
        boundPort();
        LiveTraffic live = new LiveTraffic(this, clock, seed, runsPerSecond).start();
        traffic.add(live);
        return live;
    }

    @Override
    public void close() {
        traffic.forEach(LiveTraffic::close);
        traffic.clear();
        stopServing();
    }

    /** The running server, for the fault switches that act on open connections. */
    PrefectApiServer requireServing() {
        PrefectApiServer s = server;
        if (s == null) {
            throw new IllegalStateException("simulator server not running");
        }
        return s;
    }
}
