package dev.flowpulse.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK {@link WebSocket} client as ingest uses it, recording text messages and the close
 * code/reason; {@code autoRequest=false} stops reading after the messages requested so far, to
 * simulate a slow reader.
 */
final class TestSocket implements WebSocket.Listener, AutoCloseable {

    record Close(int code, String reason) {}

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    final BlockingQueue<java.nio.ByteBuffer> pongs = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean autoRequest;
    volatile WebSocket socket;

    private TestSocket(boolean autoRequest) {
        this.autoRequest = autoRequest;
    }

    static TestSocket connect(URI apiUrl, String subprotocol) throws Exception {
        return connect(apiUrl, subprotocol, true);
    }

    static TestSocket connect(URI apiUrl, String subprotocol, boolean autoRequest) throws Exception {
        TestSocket listener = new TestSocket(autoRequest);
        URI ws = URI.create(apiUrl.toString().replaceFirst("^http", "ws") + "/events/out");
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        listener.socket = builder.buildAsync(ws, listener).get(5, TimeUnit.SECONDS);
        return listener;
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /** Next message within the timeout, or null. */
    String next(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    Close awaitClose() throws Exception {
        return closed.get(5, TimeUnit.SECONDS);
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
    public CompletionStage<?> onPong(WebSocket webSocket, java.nio.ByteBuffer message) {
        pongs.add(message);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error.complete(e);
        closed.completeExceptionally(e);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
