package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.sink.alert.AlertRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cardinality and alerting settings are part of the sink's one configuration, errors reported together. */
class SinkConfigLimitsTest {

    @Test
    void shouldDefaultToTheShippedRulesAndTenThousandSeries() {
        SinkConfig config = SinkConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"));

        assertThat(config.seriesLimits()).isEqualTo(SeriesLimits.defaults());
        assertThat(config.alerting().rules()).isEqualTo(AlertRules.defaults());
        assertThat(config.alerting().alertmanagers()).isEmpty();
    }

    @Test
    void shouldReportRuleFileLimitAndKafkaProblemsInOneException() throws IOException {
        Path rules = Files.createDirectories(Path.of("target", "config-test")).resolve("rules.yml");
        Files.writeString(rules, "rules:\n  - {name: R, kind: failures, by: flow, window: 1h}\n");

        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of(
                        "FLOWPULSE_SINK_MAX_SERIES", "none",
                        "FLOWPULSE_ALERT_RULES", rules.toString(),
                        "FLOWPULSE_ALERTMANAGER_URLS", "am:9093")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "KAFKA_BOOTSTRAP_SERVERS is required",
                                        "FLOWPULSE_SINK_MAX_SERIES must be an integer, got 'none'",
                                        "FLOWPULSE_ALERT_RULES: " + rules
                                                + ": rule 1 (R): threshold: missing (a number of"
                                                + " failed runs such as 3)",
                                        "FLOWPULSE_ALERTMANAGER_URLS entry 1 must be an absolute http:// or https:// URL"));
    }

    @Test
    void shouldNeverPrintAlertmanagerCredentials() {
        SinkConfig config = SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "FLOWPULSE_ALERTMANAGER_URLS", "https://pager:hunter2@am.example:9093"));

        assertThat(config.toString()).contains("https://am.example:9093").doesNotContain("hunter2");
    }
}
