package dev.flowpulse.simulator.websocket;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's open websockets, so they can be pinged, closed or dropped together.
 *
 * <p>Thread safe.
 */
public final class OpenWebSockets {

    private final Set<WebSocketConnection> connections = ConcurrentHashMap.newKeySet();

    public void add(WebSocketConnection connection) {
        connections.add(connection);
    }

    public void remove(WebSocketConnection connection) {
        connections.remove(connection);
    }

    public int size() {
        return connections.size();
    }

    public List<WebSocketConnection> snapshot() {
        return List.copyOf(connections);
    }

    /** Pings every connection; drops those whose previous ping went unanswered for {@code timeout}. */
    public void pingAll(Duration timeout) {
        for (WebSocketConnection c : snapshot()) {
            if (c.pingTimedOut(timeout)) {
                c.abort();
                continue;
            }
            try {
                c.sendPing();
            } catch (IOException e) {
                c.abort();
            }
        }
    }

    /** Closes every TCP connection without a close frame, like a network failure. */
    public void dropAll() {
        snapshot().forEach(WebSocketConnection::abort);
    }

    /** Sends a close frame to every connection; each closes its socket on the peer's reply. */
    public void closeAll(int code, String reason) {
        snapshot().forEach(c -> c.close(code, reason));
    }
}
