package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    @Test
    void shouldApplyDefaultsWhenOnlyBootstrapServersIsSet() {
        SinkConfig config = SinkConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"));

        assertThat(config.topics()).isEqualTo(Topics.defaults());
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.httpPort()).isEqualTo(9400);
        assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.partitionCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.kafka()).containsEntry("bootstrap.servers", "broker:9092");
    }

    @Test
    void shouldReadEverySetting() {
        SinkConfig config = SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "FLOWPULSE_TOPIC_STATE_TOTALS", "tenant-a.state-totals",
                "FLOWPULSE_SINK_HTTP_HOST", "127.0.0.1",
                "FLOWPULSE_SINK_HTTP_PORT", "0",
                "FLOWPULSE_SINK_POLL_TIMEOUT", "2s",
                "FLOWPULSE_SINK_PARTITION_CHECK_INTERVAL", "5m"));

        assertThat(config.topics().stateTotals()).isEqualTo("tenant-a.state-totals");
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isZero();
        assertThat(config.pollTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.partitionCheckInterval()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of(
                        "FLOWPULSE_SINK_HTTP_PORT", "70000",
                        "FLOWPULSE_SINK_POLL_TIMEOUT", "soon",
                        "FLOWPULSE_SINK_PARTITION_CHECK_INTERVAL", "0s")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(4)
                                .anySatisfy(p -> assertThat(p).contains("KAFKA_BOOTSTRAP_SERVERS"))
                                .anySatisfy(p -> assertThat(p).contains("FLOWPULSE_SINK_HTTP_PORT"))
                                .anySatisfy(p -> assertThat(p).contains("FLOWPULSE_SINK_POLL_TIMEOUT"))
                                .anySatisfy(p -> assertThat(p).contains("FLOWPULSE_SINK_PARTITION_CHECK_INTERVAL")));
    }

    @Test
    void shouldOwnDeserializersIsolationAndOffsetsButPassEverythingElseThrough() {
        SinkConfig config = SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_GROUP_ID", "shared-group",
                "KAFKA_ENABLE_AUTO_COMMIT", "true",
                "KAFKA_ISOLATION_LEVEL", "read_uncommitted"));

        Properties props = config.consumerProperties();

        assertThat(props)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
                .containsEntry("client.id", "flowpulse-sink")
                .containsEntry("allow.auto.create.topics", "false")
                .doesNotContainKey("group.id");
    }

    @Test
    void shouldNeverPrintKafkaPropertyValues() {
        SinkConfig config = SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "broker:9092",
                "KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"svc\" password=\"hunter2-secret\";"));

        assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("hunter2-secret");
    }

    @Test
    void shouldReportRuleFileAndAlertmanagerProblemsTogetherWithTheOthersAndHideAlertmanagerCredentials(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path rules = dir.resolve("rules.yml");
        java.nio.file.Files.writeString(rules, """
                rules:
                  - name: Ratio
                    kind: failure_ratio
                    by: deployment
                    window: 15m
                    threshold: 1.5
                  - name: Ratio
                    kind: failures
                    by: nowhere
                    threshold: 3
                """);
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of(
                        "FLOWPULSE_SINK_HTTP_PORT", "70000",
                        "FLOWPULSE_ALERT_RULES", rules.toString(),
                        "FLOWPULSE_ALERTMANAGER_URLS", "http://am:9093,ftp://am2")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .anySatisfy(p -> assertThat(p).contains("KAFKA_BOOTSTRAP_SERVERS"))
                                .anySatisfy(p -> assertThat(p).contains("FLOWPULSE_SINK_HTTP_PORT"))
                                .anySatisfy(p -> assertThat(p).contains("rule 1 (Ratio): threshold"))
                                .anySatisfy(p -> assertThat(p).contains("rule 2 (Ratio): name"))
                                .anySatisfy(p -> assertThat(p).contains("rule 2 (Ratio): by"))
                                .anySatisfy(p -> assertThat(p).contains("FLOWPULSE_ALERTMANAGER_URLS")));

        SinkConfig ok = SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "FLOWPULSE_ALERTMANAGER_URLS", "https://oncall:hunter2-secret@am:9093"));
        assertThat(ok.alerting().alertmanagers()).hasSize(1);
        assertThat(ok.toString()).contains("am:9093").doesNotContain("hunter2-secret");
    }
}
