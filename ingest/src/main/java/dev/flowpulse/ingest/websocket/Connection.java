package dev.flowpulse.ingest.websocket;

import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.prefect.ServerMessage;
import dev.flowpulse.ingest.prefect.SubscriptionFilter;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One websocket connection of an {@link EventSubscriber}: open, handshake, stream, until
 * {@link #run()} returns why it ended. Also the JDK {@link WebSocket.Listener} for that socket.
 *
 * <p>Threads: {@link #run()} on the subscriber's loop thread (opens, pings, watches silence);
 * listener callbacks on HttpClient threads (one at a time, as the JDK guarantees: they only
 * assemble frames and count); complete messages on the subscriber's frame thread, which requests
 * the next message only after handling one. {@link #end} may be called from any thread; the
 * first cause wins and aborts the socket.
 */
final class Connection implements WebSocket.Listener {

    static final String SUBPROTOCOL = "prefect";

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final EventSubscriber owner;
    private final Instant since;
    private final CompletableFuture<ConnectionEnd> ended = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket webSocket;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile boolean authenticated;
    private volatile boolean subscribed;
    private volatile long subscribedNanos;
    /** An event arrived after the filter: the server accepted the subscription. */
    private volatile boolean delivered;
    /** The auth message's send: the JDK allows one pending text send, so the filter waits for it. */
    private final CompletableFuture<WebSocket> authSent = new CompletableFuture<>();

    Connection(EventSubscriber owner, Instant since) {
        this.owner = owner;
        this.since = since;
    }

    Instant since() {
        return since;
    }

    boolean isEnded() {
        return ended.isDone();
    }

    /** Set by the subscriber under its lock, so the subscribed/disconnected bookkeeping cannot interleave. */
    void markSubscribed() {
        subscribedNanos = System.nanoTime();
        subscribed = true;
    }

    /**
     * Whether the server accepted the subscription. Prefect sends no acknowledgement of the filter;
     * it validates the filter as soon as it arrives and closes with 1002 when it rejects it
     * ({@code stream_workspace_events_out}), so acceptance shows as an event after the filter, or
     * the connection still open {@code stable} after the filter went out.
     */
    boolean wasAccepted(Duration stable) {
        return subscribed && (delivered || System.nanoTime() - subscribedNanos >= stable.toNanos());
    }

    boolean wasSubscribed() {
        return subscribed;
    }

    /** Opens the socket, sends {@code auth}, then pings until the connection ends. */
    ConnectionEnd run() {
        WebSocket.Builder builder = owner.client()
                .newWebSocketBuilder()
                .subprotocols(SUBPROTOCOL)
                .connectTimeout(EventSubscriber.CONNECT_TIMEOUT);
        // Prefect's subscriber authenticates in the first message only; proxies may want the header too.
        owner.endpoints().authorizationHeader().ifPresent(value -> builder.header("Authorization", value));
        CompletableFuture<WebSocket> opening = builder.buildAsync(owner.url(), this);
        try {
            WebSocket ws = opening.get(EventSubscriber.CONNECT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            webSocket = ws;
            if (ended.isDone()) {
                return ended.join();
            }
            lastInboundNanos = System.nanoTime();
            ws.sendText(owner.endpoints().authMessage(), true).whenComplete((w, error) -> {
                if (error != null) {
                    authSent.completeExceptionally(error);
                    end(ConnectionEnd.error("sending auth failed: " + ConnectionEnd.describe(cause(error))));
                } else {
                    authSent.complete(w);
                }
            });
            return awaitEnd(ws);
        } catch (ExecutionException e) {
            return openFailed(cause(e));
        } catch (TimeoutException e) {
            opening.cancel(true);
            return ConnectionEnd.connectFailed(
                    "no websocket handshake within " + EventSubscriber.CONNECT_TIMEOUT.toSeconds() * 2 + " s");
        } catch (InterruptedException e) {
            opening.cancel(true);
            end(ConnectionEnd.stopped());
            return ended.join();
        } finally {
            WebSocket ws = webSocket;
            if (ws != null) {
                ws.abort();
            }
        }
    }

    private ConnectionEnd openFailed(Throwable cause) {
        if (isAuthRejection(cause)) {
            int status = ((WebSocketHandshakeException) cause).getResponse().statusCode();
            return ConnectionEnd.authFailed(0, "websocket upgrade answered HTTP " + status);
        }
        return ConnectionEnd.connectFailed(ConnectionEnd.describe(cause));
    }

    /** Sends a ping every interval; two intervals without any inbound frame end the connection. */
    private ConnectionEnd awaitEnd(WebSocket ws) throws InterruptedException {
        long intervalMillis = owner.pingInterval().toMillis();
        long silenceLimitNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis * 2);
        long openedNanos = System.nanoTime();
        while (true) {
            try {
                return ended.get(intervalMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                if (now - lastInboundNanos > silenceLimitNanos) {
                    end(ConnectionEnd.pingTimeout("nothing received for " + intervalMillis * 2 + " ms"));
                } else if (!authenticated && now - openedNanos > silenceLimitNanos) {
                    end(ConnectionEnd.error("no auth_success within " + intervalMillis * 2 + " ms"));
                } else {
                    ping(ws);
                }
            } catch (ExecutionException e) {
                return ConnectionEnd.error(ConnectionEnd.describe(e.getCause()));
            }
        }
    }

    private void ping(WebSocket ws) {
        try {
            ws.sendPing(ByteBuffer.allocate(0));
        } catch (IllegalStateException e) {
            // a previous ping is still being sent: the silence check covers a stuck socket
        }
    }

    /** Sends close 1000 (briefly waiting for it to go out), then ends as stopped. */
    void closeGracefully() {
        WebSocket ws = webSocket;
        if (ws != null && !ended.isDone()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "flowpulse ingest stopping")
                        .get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // the socket is going away either way
            }
        }
        end(ConnectionEnd.stopped());
    }

    /** The first cause wins; the socket is aborted so nothing more is read from it. */
    void end(ConnectionEnd end) {
        if (ended.complete(end)) {
            WebSocket ws = webSocket;
            if (ws != null) {
                ws.abort();
            }
        }
    }

    // --- WebSocket.Listener (HttpClient threads, one callback at a time) ---

    @Override
    public void onOpen(WebSocket ws) {
        webSocket = ws;
        touch();
        ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        touch();
        partial.append(data);
        if (!last) {
            ws.request(1);
            return null;
        }
        String frame = partial.toString();
        partial.setLength(0);
        owner.metrics().messageReceived();
        try {
            owner.frames().execute(() -> process(ws, frame));
        } catch (RejectedExecutionException e) {
            end(ConnectionEnd.stopped());
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        touch();
        if (last) {
            log.warn("Ignoring a binary websocket message: Prefect sends only text");
            owner.metrics().eventSkipped(IngestMetrics.SKIP_UNKNOWN_MESSAGE);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
        touch(); // the JDK answers with a pong itself
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
        touch();
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        end(
                statusCode == EventSubscriber.CLOSE_POLICY_VIOLATION
                        ? ConnectionEnd.authFailed(statusCode, "closed with 1008 " + reason)
                        : ConnectionEnd.closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        end(ConnectionEnd.socketError(error));
    }

    private void touch() {
        lastInboundNanos = System.nanoTime();
    }

    // --- frame thread ---

    private void process(WebSocket ws, String frame) {
        if (!owner.running()) {
            return; // stopping: the producer is closing; the cursor did not move past this frame
        }
        try {
            ServerMessage message = ServerMessage.parse(frame);
            if (authenticated) {
                if (message instanceof ServerMessage.Event) {
                    delivered = true;
                }
                // Even if the connection has just ended: the frame arrived whole, publishing it loses nothing.
                owner.handler().handle(message, frame);
            } else if (!ended.isDone()) {
                handshake(ws, message);
            }
            if (!ended.isDone()) {
                ws.request(1);
            }
        } catch (RuntimeException e) {
            log.error("Handling a websocket message failed unexpectedly", e);
            end(ConnectionEnd.error("handling a message failed: " + ConnectionEnd.describe(e)));
        }
    }

    private void handshake(WebSocket ws, ServerMessage message) {
        if (message instanceof ServerMessage.AuthSuccess) {
            authenticated = true;
            String filter = SubscriptionFilter.message(since, owner.clock().instant(), owner.backfill());
            authSent.thenCompose(sent -> sent.sendText(filter, true)).whenComplete((w, error) -> {
                if (error != null) {
                    end(ConnectionEnd.error("sending the filter failed: " + ConnectionEnd.describe(cause(error))));
                } else {
                    owner.markSubscribed(this);
                }
            });
        } else if (message instanceof ServerMessage.AuthFailure failure) {
            end(ConnectionEnd.authFailed(
                    0, "auth_failure" + (failure.reason().isEmpty() ? "" : ": " + failure.reason())));
        } else {
            end(ConnectionEnd.error(
                    "expected auth_success, got " + message.getClass().getSimpleName()));
        }
    }

    /** Unwraps the async layers around a connect failure. */
    private static Throwable cause(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static boolean isAuthRejection(Throwable t) {
        if (t instanceof WebSocketHandshakeException h && h.getResponse() != null) {
            int status = h.getResponse().statusCode();
            return status == 401 || status == 403;
        }
        return false;
    }
}
