package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvReaderTest {

    @Test
    void shouldReportEveryProblemAtOnce() {
        EnvReader env = new EnvReader(Map.of("A_INT", "x", "A_DURATION", "5 parsecs", "A_BOOL", "maybe"));
        env.integer("A_INT", 1, 0);
        env.duration("A_DURATION", Duration.ZERO);
        env.bool("A_BOOL", false);
        env.required("A_REQUIRED");

        assertThatThrownBy(env::check)
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.problems()).hasSize(4))
                .hasMessageContaining("A_INT")
                .hasMessageContaining("A_DURATION")
                .hasMessageContaining("A_BOOL")
                .hasMessageContaining("A_REQUIRED is required");
    }

    @Test
    void shouldParseShortAndIsoDurations() {
        assertThat(EnvReader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(EnvReader.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(EnvReader.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(EnvReader.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(EnvReader.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(EnvReader.parseDuration("soon")).isNull();
    }

    @Test
    void shouldPassKafkaVariablesThroughAsClientProperties() {
        var props = EnvReader.kafkaProperties(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "b:9092",
                "KAFKA_SASL_JAAS_CONFIG",
                "x",
                "PREFECT_API_URL",
                "u",
                "KAFKA_",
                "y"));

        assertThat(props).containsOnlyKeys("bootstrap.servers", "sasl.jaas.config");
        assertThat(props.getProperty("bootstrap.servers")).isEqualTo("b:9092");
    }

    @Test
    void shouldNeverPrintASecret() {
        Secret secret = Secret.ofNullable("admin:hunter2");

        assertThat(secret.toString()).doesNotContain("hunter2");
        assertThat(String.valueOf(secret)).isEqualTo("****");
        assertThat(secret.reveal()).isEqualTo("admin:hunter2");
        assertThat(Secret.ofNullable("  ")).isNull();
    }

    @Test
    void shouldRejectNonHttpUrls() {
        EnvReader env = new EnvReader(Map.of("U", "ftp://x"));
        assertThat(env.httpUrl("U", null)).isNull();
        assertThatThrownBy(env::check).hasMessageContaining("U must be an absolute http");
        assertThat(new EnvReader(Map.of("U", "http://h:4200/api/")).httpUrl("U", null))
                .hasToString("http://h:4200/api");
    }

    @Test
    void shouldNameWhatIsWrongWithAUrlButNeverEchoIt() {
        // Each value carries a credential where a URL can: userinfo, a query token, or a scheme-less user:pass@.
        Map<String, String> bad = Map.of(
                "A", "ftp://admin:hunter2@prefect:4200/api",
                "B", "http://admin:hunter2@prefect with space:4200/api?token=hunter2",
                "C", "admin:hunter2@prefect:4200/api",
                "D", "http:///api?key=hunter2");
        EnvReader env = new EnvReader(bad);
        bad.keySet().forEach(name -> assertThat(env.httpUrl(name, null)).isNull());

        assertThatThrownBy(env::check)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("hunter2")
                        .doesNotContain("admin")
                        .contains("A must be an absolute http:// or https:// URL (scheme is not http or https)")
                        .contains("B is not a valid URL: Illegal character in authority at character")
                        .contains("C must be an absolute http:// or https:// URL (scheme is not http or https)")
                        .contains("D must be an absolute http:// or https:// URL (no valid host name)"));
    }
}
