package dev.flowpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lifecycle edges that need no broker; the running service is covered by StreamsServiceIT. */
class StreamsServiceTest {

    private static StreamsService service() {
        return new StreamsService(
                StreamsServiceConfig.fromEnv(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9",
                        "FLOWPULSE_STATE_DIR", "target/streams-service-test")),
                new SimpleMeterRegistry());
    }

    @Test
    void shouldBeDownBeforeStart() {
        try (StreamsService service = service()) {
            assertThat(service.health().up()).isFalse();
            assertThat(service.health().detail()).contains("NOT_STARTED");
            assertThat(service.state()).isEmpty();
        }
    }

    @Test
    void shouldCloseIdempotentlyAndRefuseToStartAfterwards() throws Exception {
        StreamsService service = service();
        service.close();
        service.close();

        assertThat(service.awaitTermination(Duration.ZERO)).isTrue();
        assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);
    }
}
