package dev.flowpulse.simulator.api;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's open event websockets, so they can be pinged, closed, dropped or silenced together.
 *
 * <p>Thread safe.
 */
final class OpenSessions {

    private final Set<EventsOutSession> sessions = ConcurrentHashMap.newKeySet();

    void add(EventsOutSession session) {
        sessions.add(session);
    }

    void remove(EventsOutSession session) {
        sessions.remove(session);
    }

    int size() {
        return sessions.size();
    }

    private List<EventsOutSession> snapshot() {
        return List.copyOf(sessions);
    }

    /** Pings every talking session; drops those whose previous ping went unanswered for {@code timeout}. */
    void pingAll(Duration timeout) {
        snapshot().forEach(s -> s.ping(timeout));
    }

    /** Closes every TCP connection without a close frame, like a network failure. */
    void dropAll() {
        snapshot().forEach(EventsOutSession::drop);
    }

    /** Sends a close frame with this code and reason to every session. */
    void closeAll(int code, String reason) {
        snapshot().forEach(s -> s.close(code, reason));
    }

    /** From now on these sessions send nothing, answer no ping and ignore what they receive. */
    void silenceAll() {
        snapshot().forEach(EventsOutSession::silence);
    }
}
