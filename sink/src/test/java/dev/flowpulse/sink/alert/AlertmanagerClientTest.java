package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a JDK HTTP server standing in for Alertmanager: payload, headers, outcomes. */
class AlertmanagerClientTest {

    private static final PostableAlert ALERT = new PostableAlert(
            new TreeMap<>(Map.of("alertname", "A", "deployment", "d")),
            Map.of(),
            "2026-05-04T10:00:00Z",
            "2026-05-04T10:04:00Z",
            "");

    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicReference<Integer> status = new AtomicReference<>(200);
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    private AlertmanagerTarget start(String userInfo) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/v2/alerts", ex -> {
            try (ex) {
                body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                authorization.set(ex.getRequestHeaders().getFirst("Authorization"));
                if (status.get() == 0) { // never answer in time
                    release.await(30, TimeUnit.SECONDS);
                    return;
                }
                ex.sendResponseHeaders(status.get(), -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return AlertmanagerTarget.parse(
                "http://" + userInfo + "127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldPostTheAlertsAsAnArrayWithoutAnEmptyGeneratorUrl() throws Exception {
        AlertmanagerTarget target = start("svc:pw@");

        PushOutcome outcome = new AlertmanagerClient(Duration.ofSeconds(10))
                .push(target, List.of(ALERT))
                .get(30, TimeUnit.SECONDS);

        assertThat(outcome).isEqualTo(PushOutcome.SUCCESS);
        assertThat(body.get())
                .isEqualTo("[{\"labels\":{\"alertname\":\"A\",\"deployment\":\"d\"},"
                        + "\"startsAt\":\"2026-05-04T10:00:00Z\",\"endsAt\":\"2026-05-04T10:04:00Z\"}]");
        assertThat(authorization.get()).isEqualTo("Basic c3ZjOnB3");
    }

    @Test
    void shouldMapStatusesAndTimeoutsToOutcomes() throws Exception {
        AlertmanagerTarget target = start("");
        AlertmanagerClient client = new AlertmanagerClient(Duration.ofSeconds(20));

        status.set(400);
        assertThat(client.push(target, List.of(ALERT)).get(30, TimeUnit.SECONDS))
                .isEqualTo(PushOutcome.REJECTED);
        status.set(503);
        assertThat(client.push(target, List.of(ALERT)).get(30, TimeUnit.SECONDS))
                .isEqualTo(PushOutcome.SERVER_ERROR);
        status.set(0);
        assertThat(client.push(target, List.of(ALERT)).get(30, TimeUnit.SECONDS))
                .isEqualTo(PushOutcome.TIMEOUT);
        server.stop(0);
        assertThat(client.push(target, List.of(ALERT)).get(30, TimeUnit.SECONDS))
                .isEqualTo(PushOutcome.UNREACHABLE);
    }
}
