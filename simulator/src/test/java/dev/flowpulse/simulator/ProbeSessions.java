package dev.flowpulse.simulator;

import static dev.flowpulse.simulator.ProbeSupport.next;
import static dev.flowpulse.simulator.ProbeSupport.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The simulators and websocket clients ({@link WebSocketProbe}) one test opens, each through the
 * protocol step it needs (connected, authenticated, subscribed), all closed after the test in
 * reverse order. Register on an instance field:
 * {@code @RegisterExtension final ProbeSessions sessions = new ProbeSessions();}
 *
 * <p>Not thread safe: used from the test's thread.
 */
final class ProbeSessions implements AfterEachCallback {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Closes {@code resource} after the test. */
    <T extends AutoCloseable> T add(T resource) {
        opened.add(resource);
        return resource;
    }

    PrefectSimulator simulator(PrefectSimulator.Builder builder) throws Exception {
        return add(builder.build().start());
    }

    /** Connected with {@code subprotocol} (null: none, the legacy protocol); nothing sent yet. */
    WebSocketProbe socket(PrefectSimulator sim, String subprotocol) throws Exception {
        return add(WebSocketProbe.connect(sim.apiUrl(), subprotocol));
    }

    /** Connected with {@code prefect}, auth sent with a null token (a server without auth), {@code auth_success} read. */
    WebSocketProbe authenticated(PrefectSimulator sim) throws Exception {
        WebSocketProbe ws = socket(sim, "prefect");
        ws.send("{\"type\":\"auth\",\"token\":null}");
        assertThat(next(ws)).isEqualTo("{\"type\":\"auth_success\"}");
        return ws;
    }

    /** Authenticated and filtered; waits until the server counts {@code subscribers} in all. */
    WebSocketProbe subscribed(PrefectSimulator sim, String filter, int subscribers) throws Exception {
        WebSocketProbe ws = authenticated(sim);
        ws.send(filter);
        waiting().until(() -> sim.activeSubscribers() == subscribers);
        return ws;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }
}
