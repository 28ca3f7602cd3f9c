package dev.flowpulse.ingest.websocket;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.ingest.IngestConfig;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that accepts the credential, then closes with 1002 right after the filter (as Prefect
 * does with a filter it rejects, and sends no acknowledgement of one it accepts): the writing of
 * the filter must not reset the reconnect backoff, so the waits keep growing instead of looping
 * at the minimum.
 */
@Tag("integration")
@Timeout(value = 2, unit = MINUTES)
class FilterRejectedIT {

    private final AtomicInteger filters = new AtomicInteger();
    private Server jetty;
    private EventSubscriber subscriber;

    @AfterEach
    void stop() throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        if (jetty != null) {
            jetty.stop();
        }
    }

    /** auth → auth_success; filter → close 1002 "Invalid filter". */
    public final class RejectingSocket implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            if (text.contains("\"type\":\"auth\"")) {
                session.sendText("{\"type\":\"auth_success\"}", Callback.NOOP);
            } else if (text.contains("\"type\":\"filter\"")) {
                filters.incrementAndGet();
                session.close(1002, "Invalid filter: rejected by the test server", Callback.NOOP);
            }
        }
    }

    private int startServer() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(
                jetty,
                container -> container.addMapping("/api/events/out", (request, response, callback) -> {
                    response.setAcceptedSubProtocol(Connection.SUBPROTOCOL);
                    return new RejectingSocket();
                })));
        jetty.start();
        return connector.getLocalPort();
    }

    @Test
    void shouldKeepGrowingTheBackoffWhenTheServerClosesRightAfterTheFilter() throws Exception {
        int port = startServer();
        IngestConfig config = IngestConfig.fromEnv(Map.of(
                "PREFECT_API_URL", "http://127.0.0.1:" + port + "/api",
                "KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "FLOWPULSE_INGEST_RECONNECT_MIN", "10ms",
                "FLOWPULSE_INGEST_RECONNECT_MAX", "1s"));
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        subscriber = new EventSubscriber(
                config,
                new RawEventPublisher(producer, config.topics(), config.workspace()),
                new IngestMetrics(registry),
                Clock.systemUTC());

        subscriber.start();

        // Six filters written and rejected: six failures in a row, none reset by the filter's write.
        await().atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO)
                .untilAsserted(() -> assertThat(filters.get()).isGreaterThanOrEqualTo(6));
        await().atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO)
                .untilAsserted(
                        () -> assertThat(subscriber.consecutiveFailures()).isGreaterThanOrEqualTo(6));
        assertThat(producer.history()).isEmpty();
        assertThat(registry.get("flowpulse.ingest.reconnects")
                        .tag("cause", "protocol_error")
                        .tag("code", "1002")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(5);
    }
}
