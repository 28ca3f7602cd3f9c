package dev.flowpulse.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowpulse.contract.Json;
import dev.flowpulse.simulator.events.EventFilter;
import dev.flowpulse.simulator.events.EventFilterParser;
import dev.flowpulse.simulator.events.EventStore;
import dev.flowpulse.simulator.events.EventStream;
import dev.flowpulse.simulator.events.StoredEvent;
import dev.flowpulse.simulator.events.Subscription;
import dev.flowpulse.simulator.http.HttpHandler;
import dev.flowpulse.simulator.http.HttpRequest;
import dev.flowpulse.simulator.http.HttpResponse;
import dev.flowpulse.simulator.websocket.OpenWebSockets;
import dev.flowpulse.simulator.websocket.WebSocketConnection;
import dev.flowpulse.simulator.websocket.WebSocketFrames;
import dev.flowpulse.simulator.wire.InvalidInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/events/out}, Prefect's {@code stream_workspace_events_out} (reference §2): upgrade,
 * auth message, filter message, then live subscription first, backfill of stored matches (since
 * clamped to now − backfill window, ascending), then live events in publish order, skipping live
 * events already backfilled once.
 *
 * <p>Each session runs on its connection's thread (writer) plus one reader thread. Thread safe.
 */
public final class EventsOutEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(EventsOutEndpoint.class);
    private static final ObjectMapper MAPPER = Json.prefect();
    private static final String SUBPROTOCOL = "prefect";
    private static final Duration CLOSE_REPLY_WAIT = Duration.ofSeconds(2);

    private final AuthPolicy auth;
    private final EventStore store;
    private final EventStream stream;
    private final OpenWebSockets sockets;
    private final Clock clock;
    private final Duration backfillWindow;
    private final int backlog;

    public EventsOutEndpoint(
            AuthPolicy auth,
            EventStore store,
            EventStream stream,
            OpenWebSockets sockets,
            Clock clock,
            Duration backfillWindow,
            int backlog) {
        this.auth = auth;
        this.store = store;
        this.stream = stream;
        this.sockets = sockets;
        this.clock = clock;
        this.backfillWindow = backfillWindow;
        this.backlog = backlog;
    }

    /** Performs the upgrade and runs the session; returns a response only when the upgrade is refused. */
    public HttpResponse serve(HttpRequest request, HttpHandler.Connection connection) throws IOException {
        String key = request.header("sec-websocket-key");
        String upgrade = request.header("upgrade");
        if (!"GET".equals(request.method())
                || key == null
                || upgrade == null
                || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            return HttpResponse.json(400, "{\"detail\":\"WebSocket upgrade required\"}");
        }
        if (!"13".equals(request.header("sec-websocket-version"))) {
            return HttpResponse.json(426, "{\"detail\":\"Unsupported WebSocket version\"}")
                    .withHeader("Sec-WebSocket-Version", "13");
        }
        boolean prefectProtocol =
                offeredProtocols(request.header("sec-websocket-protocol")).contains(SUBPROTOCOL);
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ")
                .append(WebSocketFrames.acceptKey(key))
                .append("\r\n");
        if (prefectProtocol) {
            head.append("Sec-WebSocket-Protocol: ").append(SUBPROTOCOL).append("\r\n");
        }
        head.append("\r\n");
        connection.out().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        connection.out().flush();
        connection.socket().setSoTimeout(0); // liveness is checked by pings from now on

        WebSocketConnection ws = new WebSocketConnection(
                connection.socket(), connection.in(), connection.out(), prefectProtocol ? SUBPROTOCOL : null);
        sockets.add(ws);
        try {
            session(ws);
        } finally {
            sockets.remove(ws);
            ws.abort();
        }
        return null;
    }

    private void session(WebSocketConnection ws) {
        if (ws.subprotocol() != null) {
            if (!authenticate(ws)) {
                return;
            }
        } else if (auth.requiresAuth()) {
            closeAndWait(ws, 1002, "");
            return;
        }
        JsonNode message = readJson(ws);
        if (message == null && ws.isClosed()) {
            return;
        }
        if (message == null || !"filter".equals(message.path("type").asText(null))) {
            closeAndWait(ws, 1002, "Expected 'filter' message");
            return;
        }
        JsonNode backfillFlag = message.get("backfill");
        boolean wantsBackfill = backfillFlag == null || backfillFlag.isNull() || backfillFlag.asBoolean(true);
        EventFilter filter;
        try {
            filter = EventFilterParser.parse(message.get("filter"), clock.instant());
        } catch (InvalidInput e) {
            closeAndWait(ws, 1002, "Invalid filter: " + e.summary("EventFilter"));
            return;
        }
        stream(ws, filter, wantsBackfill);
    }

    private boolean authenticate(WebSocketConnection ws) {
        JsonNode message = readJson(ws);
        if (message == null && ws.isClosed()) {
            return false;
        }
        if (message == null || !"auth".equals(message.path("type").asText(null))) {
            closeAndWait(ws, 1008, "Expected 'auth' message");
            return false;
        }
        AuthPolicy.WebSocketVerdict verdict = auth.websocketToken(message.get("token"));
        try {
            if (!verdict.accepted()) {
                if (verdict.failureMessageReason() != null) {
                    ws.sendText(MAPPER.createObjectNode()
                            .put("type", "auth_failure")
                            .put("reason", verdict.failureMessageReason())
                            .toString());
                }
                closeAndWait(ws, verdict.closeCode(), verdict.closeReason());
                return false;
            }
            ws.sendText("{\"type\":\"auth_success\"}");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void stream(WebSocketConnection ws, EventFilter filter, boolean wantsBackfill) {
        // subscribe to the live stream first so nothing published during the backfill is missed
        Subscription subscription = stream.subscribe(filter, backlog);
        Thread reader = new Thread(
                () -> {
                    while (ws.readText() != null) {
                        // clients have nothing more to say; reading keeps pings and close frames flowing
                    }
                    subscription.close();
                },
                "prefect-sim-ws-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            Set<String> backfilled = new HashSet<>();
            if (wantsBackfill) {
                EventFilter window = filter.forBackfill(clock.instant().minus(backfillWindow));
                for (StoredEvent e : store.query(window::includesStored)) {
                    backfilled.add(e.id());
                    ws.sendText(envelope(e));
                }
            }
            while (!subscription.isClosed() && ws.isOpen()) {
                StoredEvent e = subscription.poll(200);
                if (e == null) {
                    continue;
                }
                if (backfilled.remove(e.id())) {
                    continue;
                }
                ws.sendText(envelope(e));
            }
        } catch (IOException e) {
            LOG.debug("Subscriber went away: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stream.unsubscribe(subscription);
            try {
                reader.join(CLOSE_REPLY_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The wire form of one event message: {@code {"type":"event","event":<ReceivedEvent>}}. */
    static String envelope(StoredEvent e) {
        return "{\"type\":\"event\",\"event\":" + e.json() + "}";
    }

    private static JsonNode readJson(WebSocketConnection ws) {
        String text = ws.readText();
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeAndWait(WebSocketConnection ws, int code, String reason) {
        ws.close(code, reason);
        ws.awaitCloseReply(CLOSE_REPLY_WAIT);
    }

    private static Set<String> offeredProtocols(String header) {
        if (header == null) {
            return Set.of();
        }
        return new HashSet<>(Arrays.stream(header.split(",")).map(String::trim).toList());
    }
}
