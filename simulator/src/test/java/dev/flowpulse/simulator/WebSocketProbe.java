package dev.flowpulse.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@link WebSocket} client to {@code /api/events/out}, as ingest uses it, recording text
 * messages, pings and pongs received, and how the connection ended. With {@code autoRequest=false}
 * it stops reading after the messages requested so far, a slow reader.
 *
 * <p>Listener callbacks run on HttpClient threads; the recorded state is thread safe.
 */
final class WebSocketProbe implements WebSocket.Listener, AutoCloseable {

    /** How the server ended the connection: a close frame (code, reason) or an abrupt drop. */
    record End(int code, String reason, boolean abrupt) {
        static End closeFrame(int code, String reason) {
            return new End(code, reason, false);
        }
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    final AtomicInteger pingsReceived = new AtomicInteger();
    final CompletableFuture<End> ended = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean autoRequest;
    volatile WebSocket socket;

    private WebSocketProbe(boolean autoRequest) {
        this.autoRequest = autoRequest;
    }

    static URI eventsOut(URI apiUrl) {
        return URI.create(apiUrl.toString().replaceFirst("^http", "ws") + "/events/out");
    }

    /** Opens a websocket; the future fails with a {@code WebSocketHandshakeException} when the upgrade is refused. */
    static CompletableFuture<WebSocketProbe> open(URI apiUrl, String subprotocol, boolean autoRequest) {
        WebSocketProbe probe = new WebSocketProbe(autoRequest);
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        return builder.buildAsync(eventsOut(apiUrl), probe).thenApply(ws -> {
            probe.socket = ws;
            return probe;
        });
    }

    static WebSocketProbe connect(URI apiUrl, String subprotocol) throws Exception {
        return open(apiUrl, subprotocol, true).get(CONNECT_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
    }

    static WebSocketProbe connectSlowReader(URI apiUrl) throws Exception {
        return open(apiUrl, "prefect", false).get(CONNECT_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    void ping(String payload) throws Exception {
        socket.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
                .get(10, TimeUnit.SECONDS);
    }

    void request(long n) {
        socket.request(n);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        if (autoRequest) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pingsReceived.incrementAndGet();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(StandardCharsets.UTF_8.decode(message).toString());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        ended.complete(new End(statusCode, reason, statusCode == 1006));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        ended.complete(new End(1006, String.valueOf(error), true));
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
