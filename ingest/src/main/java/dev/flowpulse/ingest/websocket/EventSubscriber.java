package dev.flowpulse.ingest.websocket;

import dev.flowpulse.ingest.Daemons;
import dev.flowpulse.ingest.IngestConfig;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.prefect.PrefectEndpoints;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.runtime.Backoff;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one subscription to Prefect's event websocket ({@code /api/events/out}) alive forever and
 * hands every message to an {@link EventFrameHandler}.
 *
 * <p>Each connection: open with subprotocol {@code prefect}, send {@code auth}, wait for
 * {@code auth_success}, send the {@link dev.flowpulse.ingest.prefect.SubscriptionFilter filter}
 * from the {@link EventCursor}, then stream. A live feed never ends on purpose, so any close
 * (even 1000), error, ping timeout or failed Kafka send leads to a reconnect after a
 * {@link Backoff} wait (the maximum after an authentication failure, which is logged without the
 * credential). The backoff starts over only once a connection was accepted: an event arrived after
 * the filter, or it stayed open a ping interval after it (Prefect acknowledges no filter). Messages are read one at a time: the next is requested only after the previous one
 * was handed to the producer, so Kafka's pace is the reader's pace.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once (idempotent). Threads: one reconnect
 * loop ({@code ingest-websocket-<workspace>}, also sends pings), one frame thread ({@code ingest-frames-<workspace>}), and
 * the JDK HttpClient's own. Public methods are thread safe.
 */
public final class EventSubscriber implements AutoCloseable {

    static final int CLOSE_POLICY_VIOLATION = 1008;
    /** What the JDK reports when the TCP connection ends without a close frame. */
    static final int ABNORMAL_CLOSURE = 1006;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RECENT_IDS_TTL = Duration.ofMinutes(10);
    static final int RECENT_IDS_MAX = 100_000;

    private static final Logger log = LoggerFactory.getLogger(EventSubscriber.class);

    private final PrefectEndpoints endpoints;
    private final URI url;
    private final boolean backfill;
    private final Duration pingInterval;
    private final Duration reconnectMax;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final Backoff backoff;
    private final EventCursor cursor;
    private final EventFrameHandler handler;
    private final HttpClient client;
    private final ExecutorService frames;
    private final SubscriptionListener listener;
    private final Thread loop;
    private final CountDownLatch stop = new CountDownLatch(1);

    private volatile boolean running;
    private volatile Connection current;
    private volatile boolean subscribed;
    private volatile boolean everSubscribed;
    private volatile Instant disconnectedSince;

    public EventSubscriber(IngestConfig config, RawEventPublisher publisher, IngestMetrics metrics, Clock clock) {
        this(
                config,
                publisher,
                metrics,
                clock,
                new RecentEventIds(RECENT_IDS_TTL, RECENT_IDS_MAX, clock),
                clock.instant().minus(config.lookback()),
                SubscriptionListener.NONE);
    }

    /**
     * @param recentIds shared with gap filling, so an event is published once whichever path sees it first
     * @param since     where the first subscription starts (the stored resume point, or now − lookback)
     * @param listener  told about every connection and delivered event
     */
    public EventSubscriber(
            IngestConfig config,
            RawEventPublisher publisher,
            IngestMetrics metrics,
            Clock clock,
            RecentEventIds recentIds,
            Instant since,
            SubscriptionListener listener) {
        this.listener = listener;
        this.endpoints = PrefectEndpoints.of(config);
        this.url = endpoints.eventsOutUrl();
        this.backfill = config.backfill();
        this.pingInterval = config.pingInterval();
        this.reconnectMax = config.reconnectMax();
        this.metrics = metrics;
        this.clock = clock;
        this.backoff = new Backoff(config.reconnectMin(), config.reconnectMax(), RandomGenerator.getDefault());
        this.cursor = new EventCursor(since);
        this.handler = new EventFrameHandler(publisher, recentIds, cursor, metrics, this::resubscribe);
        this.handler.onDelivered(listener::delivered);
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        this.frames = Executors.newSingleThreadExecutor(Daemons.named("ingest-frames-" + config.workspace()));
        this.loop = Daemons.named("ingest-websocket-" + config.workspace()).newThread(this::reconnectLoop);
        this.disconnectedSince = clock.instant();
    }

    public void start() {
        running = true;
        log.info(
                "Subscribing to Prefect events at {} (credential: {}, backfill: {})",
                url,
                endpoints.credentialKind(),
                backfill);
        loop.start();
    }

    /** True while a connection is authenticated and its filter sent. */
    /** Whether any connection of this subscriber has ever been subscribed. */
    public boolean everSubscribed() {
        return everSubscribed;
    }

    public boolean subscribed() {
        return subscribed;
    }

    /** When the last subscription ended (or the subscriber was created); empty while subscribed. */
    public Optional<Instant> disconnectedSince() {
        return subscribed ? Optional.empty() : Optional.ofNullable(disconnectedSince);
    }

    /** Consecutive connections that ended before the server was seen to accept them (the backoff's count). */
    int consecutiveFailures() {
        return backoff.failures();
    }

    /** Where the next subscription would resume. */
    public Instant cursor() {
        return cursor.since();
    }

    public URI url() {
        return url;
    }

    /** A send failed: end the current connection so the next one replays from the pulled-back cursor. */
    void resubscribe() {
        Connection c = current;
        if (c != null) {
            c.end(ConnectionEnd.publishFailed());
        }
    }

    private void reconnectLoop() {
        while (running) {
            Instant since = cursor.since();
            listener.connecting(since);
            Connection connection = new Connection(this, since);
            current = connection;
            ConnectionEnd end = connection.run();
            current = null;
            markDisconnected(connection);
            if (!running) {
                break;
            }
            countConnectOutcome(connection, end);
            metrics.reconnect(end.cause(), end.codeLabel());
            if (connection.wasAccepted(pingInterval)) {
                backoff.reset(); // not on the filter's write: a server rejecting it must not cause a tight loop
            }
            Duration wait = end.authenticationFailed() ? reconnectMax : backoff.next();
            logEnd(end, wait);
            try {
                if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    private void countConnectOutcome(Connection connection, ConnectionEnd end) {
        if (connection.wasSubscribed()) {
            return; // counted as success when the filter went out
        }
        metrics.connectAttempt(
                end.authenticationFailed() ? IngestMetrics.CONNECT_AUTH_FAILED : IngestMetrics.CONNECT_ERROR);
    }

    private void logEnd(ConnectionEnd end, Duration wait) {
        String detail = endpoints.redact(end.detail());
        switch (end.kind()) {
            case AUTH_FAILED ->
                log.error(
                        "Prefect rejected the event websocket credential ({}) at {}: {}; retrying in {} ms",
                        endpoints.credentialKind(),
                        url,
                        detail,
                        wait.toMillis());
            case CLOSED ->
                log.warn(
                        "{} (code {}{}); reconnecting in {} ms",
                        end.code() == ABNORMAL_CLOSURE
                                ? "Lost the event websocket connection"
                                : "Prefect closed the event websocket",
                        end.code(),
                        detail.isEmpty() ? "" : ", " + detail,
                        wait.toMillis());
            case PUBLISH_FAILED ->
                log.warn("A Kafka send failed; resubscribing from {} in {} ms", cursor.since(), wait.toMillis());
            default ->
                log.warn(
                        "Event websocket {}: {}; reconnecting in {} ms",
                        end.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        detail,
                        wait.toMillis());
        }
    }

    /** The connection's filter went out: it now counts as subscribed, unless it ended meanwhile. */
    synchronized void markSubscribed(Connection connection) {
        if (connection.isEnded() || !running) {
            return;
        }
        if (cursor.since().isBefore(connection.since())) {
            // A send failed after this connection chose its start: resubscribe from before that event.
            connection.end(ConnectionEnd.publishFailed());
            return;
        }
        connection.markSubscribed();
        cursor.subscribed(connection.since());
        metrics.connectAttempt(IngestMetrics.CONNECT_SUCCESS);
        metrics.connected(true);
        // Flags last, so whoever sees them subscribed also sees the metrics that say so.
        disconnectedSince = null;
        everSubscribed = true;
        subscribed = true;
        log.info("Subscribed to Prefect events at {} (since {})", url, connection.since());
        listener.subscribed(connection.since(), clock.instant());
    }

    private synchronized void markDisconnected(Connection connection) {
        if (connection.wasSubscribed()) {
            subscribed = false;
            disconnectedSince = clock.instant();
            metrics.connected(false);
        }
    }

    // Accessors for Connection (same package, one instance per attempt).
    HttpClient client() {
        return client;
    }

    PrefectEndpoints endpoints() {
        return endpoints;
    }

    boolean backfill() {
        return backfill;
    }

    Duration pingInterval() {
        return pingInterval;
    }

    Clock clock() {
        return clock;
    }

    IngestMetrics metrics() {
        return metrics;
    }

    EventFrameHandler handler() {
        return handler;
    }

    ExecutorService frames() {
        return frames;
    }

    boolean running() {
        return running;
    }

    /** Stops the loop, closes the websocket (1000) and waits up to a few seconds for the threads. */
    @Override
    public void close() {
        if (!running && !loop.isAlive()) {
            frames.shutdownNow();
            return;
        }
        running = false;
        stop.countDown();
        Connection c = current;
        if (c != null) {
            c.closeGracefully();
        }
        loop.interrupt();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        frames.shutdownNow();
        log.info("Stopped subscribing to Prefect events");
    }
}
