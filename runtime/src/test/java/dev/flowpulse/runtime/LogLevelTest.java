package dev.flowpulse.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLevelTest {

    @Test
    void shouldDefaultToInfoWithKafkaAtWarnAndKnownNoiseOff() {
        LogLevel level = LogLevel.fromEnv(Map.of());

        assertThat(level).isEqualTo(LogLevel.INFO);
        assertThat(level.properties())
                .containsEntry("log.dev.flowpulse", "info")
                .containsEntry("log.org.apache.kafka", "warn")
                .containsEntry("log.kafka", "warn")
                .containsEntry("log.state.change.logger", "warn")
                .containsEntry("log.kafka.server.ReplicaManager", "off")
                .containsEntry("log.LogFutureTimestampLogger", "error");
    }

    @Test
    void shouldBringKafkaInfoBackAtDebug() {
        LogLevel level = LogLevel.fromEnv(Map.of("FLOWPULSE_LOG_LEVEL", "DEBUG"));

        assertThat(level.properties())
                .containsEntry("log.dev.flowpulse", "debug")
                .containsEntry("log.org.apache.kafka", "info")
                .containsEntry("log.kafka.server.ReplicaManager", "info");
    }

    @Test
    void shouldNeverMakeKafkaLouderThanFlowpulse() {
        assertThat(LogLevel.ERROR.properties())
                .containsEntry("defaultLogLevel", "error")
                .containsEntry("log.org.apache.kafka", "error");
    }

    @Test
    void shouldRejectAnUnknownLevel() {
        assertThatThrownBy(() -> LogLevel.fromEnv(Map.of("FLOWPULSE_LOG_LEVEL", "verbose")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FLOWPULSE_LOG_LEVEL must be one of error, warn, info, debug, got 'verbose'");
    }
}
