package dev.flowpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.runtime.MetricsHttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health rules with a Prefect server that is never reachable and a clock the test moves. */
class IngestServiceTest {

    /** Read by the service's threads too. */
    private volatile Instant now = Instant.parse("2026-05-04T09:00:00Z");

    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    /**
     * A port held for the whole test by a bound, never listening socket: every connect to it is
     * refused, and no other process can take it meanwhile (as it could a port probed free and released).
     */
    private static Socket reservedClosedPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    @Test
    void shouldReportDownUntilTheFirstSubscriptionWithoutShowingTheCredential() throws IOException {
        try (Socket reserved = reservedClosedPort()) {
            downUntilFirstSubscribed(reserved.getLocalPort());
        }
    }

    private void downUntilFirstSubscribed(int port) {
        IngestConfig config = IngestConfig.fromEnv(Map.of(
                "PREFECT_API_URL", "http://127.0.0.1:" + port + "/api",
                "PREFECT_API_AUTH_STRING", "admin:never-shown",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + port,
                "FLOWPULSE_INGEST_RECONNECT_MIN", "50ms",
                "FLOWPULSE_INGEST_RECONNECT_MAX", "200ms"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IngestService service = new IngestService(config, registry, clock);
        assertThat(service.health()).isEqualTo(MetricsHttpServer.Health.unhealthy("ingest is not started"));

        service.start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO)
                    .untilAsserted(() -> assertThat(registry.get("flowpulse.ingest.connects")
                                    .tag("outcome", IngestMetrics.CONNECT_ERROR)
                                    .counter()
                                    .count())
                            .as("failed connects")
                            .isGreaterThanOrEqualTo(1));
            // Never subscribed: DOWN at once (the reconnect grace only covers a subscription that was lost).
            MetricsHttpServer.Health health = service.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail()).contains("not yet subscribed").doesNotContain("never-shown");
        } finally {
            service.close();
        }
        assertThat(service.health()).isEqualTo(MetricsHttpServer.Health.unhealthy("ingest is stopped"));
        service.close(); // idempotent
    }
}
