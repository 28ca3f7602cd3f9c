package dev.flowpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamsServiceConfigTest {

    @Test
    void shouldApplyDefaultsWhenOnlyTheBootstrapServersAreSet() {
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"));

        assertThat(config.kafka()).containsExactly(Map.entry("bootstrap.servers", "broker:9092"));
        assertThat(config.applicationId()).isEqualTo("flowpulse-streams");
        assertThat(config.stateDir()).isEqualTo(Path.of("./.flowpulse/state"));
        assertThat(config.topology()).isEqualTo(TopologySettings.defaults());
        assertThat(config.topology().windowSizes())
                .containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(config.topology().windowGrace()).isEqualTo(Duration.ofHours(2));
        assertThat(config.topology().runStateRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.topology().finishSettleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.threads()).isEqualTo(1);
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.topics()).isEqualTo(Topics.defaults());
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.httpPort()).isEqualTo(9402);
    }

    @Test
    void shouldReadEverySetting() {
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"),
                Map.entry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
                Map.entry("FLOWPULSE_STREAMS_APPLICATION_ID", "fp-prod"),
                Map.entry("FLOWPULSE_STATE_DIR", "/var/lib/flowpulse"),
                Map.entry("FLOWPULSE_WINDOWS", "5m,1m,30s"),
                Map.entry("FLOWPULSE_HOPPING_WINDOW", "10m"),
                Map.entry("FLOWPULSE_HOPPING_WINDOW_ADVANCE", "2m"),
                Map.entry("FLOWPULSE_WINDOW_TAG_PREFIXES", "team:, owner:"),
                Map.entry("FLOWPULSE_STUCK_AFTER", "30m"),
                Map.entry("FLOWPULSE_STUCK_AFTER_OVERRIDES", "nightly-backfill=4h, hourly-sync=90m"),
                Map.entry("FLOWPULSE_WINDOW_GRACE", "PT30S"),
                Map.entry("FLOWPULSE_RUN_STATE_RETENTION", "2d"),
                Map.entry("FLOWPULSE_RUN_STATE_MAX_STATES", "50"),
                Map.entry("FLOWPULSE_FINISH_SETTLE_TIMEOUT", "30s"),
                Map.entry("FLOWPULSE_STREAMS_THREADS", "2"),
                Map.entry("FLOWPULSE_COMMIT_INTERVAL", "250ms"),
                Map.entry("FLOWPULSE_TOPIC_RAW_EVENTS", "prefect.raw"),
                Map.entry("FLOWPULSE_STREAMS_HTTP_PORT", "0")));

        assertThat(config.kafka()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.applicationId()).isEqualTo("fp-prod");
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/flowpulse"));
        assertThat(config.topology().windowSizes())
                .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5));
        assertThat(config.topology().hopSize()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.topology().hopAdvance()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.topology().tagPrefixes()).containsExactly("team:", "owner:");
        assertThat(config.topology().stuckAfter("other")).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.topology().stuckAfter("nightly-backfill")).isEqualTo(Duration.ofHours(4));
        assertThat(config.topology().stuckAfter("hourly-sync")).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.topology().windowGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.topology().runStateRetention()).isEqualTo(Duration.ofDays(2));
        assertThat(config.topology().maxStatesPerRun()).isEqualTo(50);
        assertThat(config.topology().finishSettleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.threads()).isEqualTo(2);
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.topics().rawEvents()).isEqualTo("prefect.raw");
        assertThat(config.httpPort()).isZero();
    }

    @Test
    void shouldTurnTheHoppingViewOffWithZeroAsDocumented() {
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "FLOWPULSE_HOPPING_WINDOW", "0"));

        assertThat(config.topology().hopping()).isFalse();
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> StreamsServiceConfig.fromEnv(Map.of(
                        "FLOWPULSE_WINDOWS", "1m,0s",
                        "FLOWPULSE_WINDOW_GRACE", "soon",
                        "FLOWPULSE_STREAMS_THREADS", "0",
                        "FLOWPULSE_RUN_STATE_RETENTION", "-1d",
                        "FLOWPULSE_FINISH_SETTLE_TIMEOUT", "0s")))
                .isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).problems())
                .satisfies(problems -> assertThat(problems)
                        .hasSize(6)
                        .anyMatch(p -> p.contains("FLOWPULSE_FINISH_SETTLE_TIMEOUT"))
                        .anyMatch(p -> p.contains("KAFKA_BOOTSTRAP_SERVERS"))
                        .anyMatch(p -> p.contains("FLOWPULSE_WINDOWS"))
                        .anyMatch(p -> p.contains("FLOWPULSE_WINDOW_GRACE"))
                        .anyMatch(p -> p.contains("FLOWPULSE_STREAMS_THREADS"))
                        .anyMatch(p -> p.contains("FLOWPULSE_RUN_STATE_RETENTION")));
    }

    @Test
    void shouldTurnTagGroupsOffWithNone() {
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "FLOWPULSE_WINDOW_TAG_PREFIXES", "none"));

        assertThat(config.topology().tagPrefixes()).isEmpty();
    }

    @Test
    void shouldNeverPrintKafkaPropertyValues() {
        StreamsServiceConfig config = StreamsServiceConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "KAFKA_SASL_JAAS_CONFIG",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";"));

        assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
    }
}
