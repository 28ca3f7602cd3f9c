package dev.flowpulse.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowpulse.contract.Json;
import dev.flowpulse.simulator.events.EventFilter;
import dev.flowpulse.simulator.events.EventFilterParser;
import dev.flowpulse.simulator.wire.InvalidInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One {@code /api/events/out} websocket, Prefect's {@code stream_workspace_events_out}
 * (reference §2): the {@code auth} message (1008 with Prefect's reasons on failure; an
 * {@code auth_failure} message first in API-key mode), the {@code filter} message (1002
 * {@code Expected 'filter' message} / {@code Invalid filter: ...}), then a {@link SubscriberPump}
 * streams backfill and live events. Without the {@code prefect} subprotocol the filter comes
 * first, and a server with auth closes with 1002. Pongs answer pings; a silenced session sends
 * nothing at all and ignores what arrives.
 *
 * <p>Public only because Jetty binds the listener methods through method handles.
 *
 * <p>Threads: Jetty delivers messages one at a time; sends come from Jetty's threads, the pump
 * thread and the server's pinger, which Jetty allows. State fields are volatile.
 */
public final class EventsOutSession implements Session.Listener.AutoDemanding {

    private static final ObjectMapper MAPPER = Json.prefect();
    static final int MAX_REASON_BYTES = 123;

    private enum Stage {
        AUTH,
        FILTER,
        STREAMING,
        ENDED
    }

    private final EventsOutContext context;
    private final boolean prefectProtocol;
    private final AtomicLong pingSentNanos = new AtomicLong(); // 0 = no ping outstanding
    private volatile Session session;
    private volatile Stage stage = Stage.AUTH;
    private volatile boolean silenced;
    private volatile SubscriberPump pump;

    EventsOutSession(EventsOutContext context, boolean prefectProtocol) {
        this.context = context;
        this.prefectProtocol = prefectProtocol;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        silenced = context.faults().silent();
        context.sessions().add(this);
        if (silenced || prefectProtocol) {
            return;
        }
        if (context.auth().requiresAuth()) {
            close(1002, "");
        } else {
            stage = Stage.FILTER;
        }
    }

    @Override
    public void onWebSocketText(String text) {
        if (silenced) {
            return;
        }
        switch (stage) {
            case AUTH -> authenticate(object(text));
            case FILTER -> subscribe(object(text));
            default -> {
                // clients have nothing more to say once subscribed
            }
        }
    }

    private void authenticate(JsonNode message) {
        if (message == null || !"auth".equals(message.path("type").asText(null))) {
            close(1008, "Expected 'auth' message");
            return;
        }
        AuthPolicy.WebSocketVerdict verdict = context.auth().websocketToken(message.get("token"));
        if (!verdict.accepted()) {
            if (verdict.failureMessageReason() != null) {
                sendText(MAPPER.createObjectNode()
                        .put("type", "auth_failure")
                        .put("reason", verdict.failureMessageReason())
                        .toString());
            }
            close(verdict.closeCode(), verdict.closeReason());
            return;
        }
        stage = Stage.FILTER;
        sendText("{\"type\":\"auth_success\"}");
    }

    private void subscribe(JsonNode message) {
        if (message == null || !"filter".equals(message.path("type").asText(null))) {
            close(1002, "Expected 'filter' message");
            return;
        }
        JsonNode backfillFlag = message.get("backfill");
        boolean wantsBackfill = backfillFlag == null || backfillFlag.isNull() || backfillFlag.asBoolean(true);
        EventFilter filter;
        try {
            filter = EventFilterParser.parse(
                    message.get("filter"), context.clock().instant());
        } catch (InvalidInput e) {
            close(1002, "Invalid filter: " + e.summary("EventFilter"));
            return;
        }
        stage = Stage.STREAMING;
        pump = SubscriberPump.start(this, context, filter, wantsBackfill);
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        Session s = session;
        if (!silenced && s != null) {
            s.sendPong(payload, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        pingSentNanos.set(0);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        ended();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        ended();
    }

    private void ended() {
        stage = Stage.ENDED;
        context.sessions().remove(this);
        SubscriberPump p = pump;
        if (p != null) {
            p.stop();
        }
    }

    /** True while events may be sent: open, past the filter, not silenced. */
    boolean mayStream() {
        Session s = session;
        return stage == Stage.STREAMING && !silenced && s != null && s.isOpen();
    }

    /** Sends one text message and waits until Jetty has written it (a slow reader blocks the caller). */
    void sendAndWait(String text) throws IOException, InterruptedException {
        CompletableFuture<Void> written = new CompletableFuture<>();
        session.sendText(text, Callback.from(() -> written.complete(null), written::completeExceptionally));
        try {
            written.get();
        } catch (ExecutionException e) {
            throw new IOException("send failed: " + e.getCause(), e.getCause());
        }
    }

    private void sendText(String text) {
        session.sendText(text, Callback.NOOP);
    }

    /** Sends a ping unless one is outstanding; drops the connection when it went unanswered for {@code timeout}. */
    void ping(Duration timeout) {
        Session s = session;
        if (silenced || s == null || !s.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        long sent = pingSentNanos.get();
        if (sent != 0 && now - sent > timeout.toNanos()) {
            drop();
        } else if (sent == 0 && pingSentNanos.compareAndSet(0, now)) {
            s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    void close(int code, String reason) {
        Session s = session;
        if (s != null) {
            s.close(code, truncateUtf8(reason == null ? "" : reason, MAX_REASON_BYTES), Callback.NOOP);
        }
    }

    /** Closes the TCP connection without a close frame. */
    void drop() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }

    void silence() {
        silenced = true;
    }

    private static JsonNode object(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A close reason fits in 123 bytes of UTF-8; never cut inside a multi-byte character. */
    static String truncateUtf8(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
