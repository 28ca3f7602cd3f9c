package dev.flowpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.runtime.MetricsHttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health rules with a Prefect server that is never reachable and a clock the test moves. */
class IngestServiceTest {

    private Instant now = Instant.parse("2026-05-04T09:00:00Z");
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

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldStayHealthyForTwoMinutesWithoutAConnectionThenReportIt() throws IOException {
        int port = closedPort();
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
            Poll.until(
                    "a failed connect",
                    Duration.ofSeconds(10),
                    () -> registry.find("flowpulse.ingest.connects")
                                    .tag("outcome", IngestMetrics.CONNECT_ERROR)
                                    .counter()
                                    .count()
                            >= 1);
            assertThat(service.health().up()).isTrue();

            now = now.plus(Duration.ofMinutes(2));

            MetricsHttpServer.Health health = service.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail()).contains("not subscribed for 120 s").doesNotContain("never-shown");
        } finally {
            service.close();
        }
        assertThat(service.health()).isEqualTo(MetricsHttpServer.Health.unhealthy("ingest is stopped"));
        service.close(); // idempotent
    }
}
