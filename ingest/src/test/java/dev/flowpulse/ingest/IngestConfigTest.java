package dev.flowpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestConfigTest {

    private static final String API_KEY = "pnu_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String AUTH_STRING = "admin:s3cr3t-pass";

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("PREFECT_API_URL", "http://prefect.internal:4200/api");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9092");
        return env;
    }

    @Test
    void shouldApplyDefaultsForASelfHostedServer() {
        IngestConfig config = IngestConfig.fromEnv(minimal());

        assertThat(config.apiUrl()).isEqualTo(URI.create("http://prefect.internal:4200/api"));
        assertThat(config.apiKey()).isNull();
        assertThat(config.authString()).isNull();
        assertThat(config.cloudApiUrl()).isEqualTo(URI.create("https://api.prefect.cloud/api"));
        assertThat(config.cloud()).isFalse();
        assertThat(config.workspace()).isEqualTo("prefect.internal:4200");
        assertThat(config.backfill()).isTrue();
        assertThat(config.lookback()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.reconnectMin()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.reconnectMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.topics()).isEqualTo(Topics.defaults());
        assertThat(config.kafka()).containsOnly(Map.entry("bootstrap.servers", "broker:9092"));
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.httpPort()).isEqualTo(9401);
    }

    @Test
    void shouldReadEveryVariable() {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", "https://prefect.example.com/base/api/");
        env.put("PREFECT_API_KEY", API_KEY);
        env.put("PREFECT_API_AUTH_STRING", AUTH_STRING);
        env.put("PREFECT_CLOUD_API_URL", "https://cloud.example.com/api");
        env.put("FLOWPULSE_WORKSPACE", "prod");
        env.put("FLOWPULSE_INGEST_BACKFILL", "false");
        env.put("FLOWPULSE_INGEST_LOOKBACK", "5m");
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "250ms");
        env.put("FLOWPULSE_INGEST_RECONNECT_MAX", "PT1M");
        env.put("FLOWPULSE_INGEST_PING_INTERVAL", "10s");
        env.put("FLOWPULSE_INGEST_HTTP_HOST", "127.0.0.1");
        env.put("FLOWPULSE_INGEST_HTTP_PORT", "0");
        env.put("FLOWPULSE_TOPIC_RAW_EVENTS", "raw");
        env.put("FLOWPULSE_TOPIC_DEAD_LETTERS", "dlq");
        env.put("KAFKA_LINGER_MS", "20");

        IngestConfig config = IngestConfig.fromEnv(env);

        assertThat(config.apiUrl()).isEqualTo(URI.create("https://prefect.example.com/base/api"));
        assertThat(config.apiKey().reveal()).isEqualTo(API_KEY);
        assertThat(config.authString().reveal()).isEqualTo(AUTH_STRING);
        assertThat(config.cloudApiUrl()).isEqualTo(URI.create("https://cloud.example.com/api"));
        assertThat(config.cloud()).isFalse();
        assertThat(config.workspace()).isEqualTo("prod");
        assertThat(config.backfill()).isFalse();
        assertThat(config.lookback()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.reconnectMin()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.reconnectMax()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isZero();
        assertThat(config.topics().rawEvents()).isEqualTo("raw");
        assertThat(config.topics().deadLetters()).isEqualTo("dlq");
        assertThat(config.kafka()).containsEntry("linger.ms", "20").containsEntry("bootstrap.servers", "broker:9092");
    }

    @Test
    void shouldDetectPrefectCloudAndTakeTheWorkspaceFromTheUrl() {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", "https://api.prefect.cloud/api/accounts/acc-1/workspaces/ws-42");
        env.put("PREFECT_API_KEY", API_KEY);

        IngestConfig config = IngestConfig.fromEnv(env);

        assertThat(config.cloud()).isTrue();
        assertThat(config.workspace()).isEqualTo("ws-42");
    }

    @Test
    void shouldUseTheHostAsWorkspaceWhenTheUrlHasNoPort() {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", "https://prefect.example.com/api");

        assertThat(IngestConfig.fromEnv(env).workspace()).isEqualTo("prefect.example.com");
    }

    @Test
    void shouldRequireAnApiKeyForPrefectCloud() {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", "https://api.prefect.cloud/api/accounts/a/workspaces/w");

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PREFECT_API_KEY is required");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("PREFECT_CLOUD_API_URL", "ftp://nope");
        env.put("FLOWPULSE_INGEST_BACKFILL", "maybe");
        env.put("FLOWPULSE_INGEST_LOOKBACK", "soon");
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "0s");
        env.put("FLOWPULSE_INGEST_PING_INTERVAL", "-5s");
        env.put("FLOWPULSE_INGEST_HTTP_PORT", "70000");

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("PREFECT_API_URL is required"))
                                .anyMatch(p -> p.startsWith("PREFECT_CLOUD_API_URL must be an absolute http"))
                                .anyMatch(p -> p.startsWith("FLOWPULSE_INGEST_BACKFILL must be true or false"))
                                .anyMatch(p -> p.startsWith("FLOWPULSE_INGEST_LOOKBACK must be a duration"))
                                .anyMatch(p -> p.startsWith("FLOWPULSE_INGEST_RECONNECT_MIN must be greater than zero"))
                                .anyMatch(p -> p.startsWith("FLOWPULSE_INGEST_PING_INTERVAL must be a duration"))
                                .anyMatch(p -> p.startsWith("KAFKA_BOOTSTRAP_SERVERS is required"))
                                .anyMatch(p -> p.startsWith("FLOWPULSE_INGEST_HTTP_PORT must be <= 65535"))
                                .hasSize(8));
    }

    @Test
    void shouldCheckLateArrivalsOverTheLastFifteenMinutesUnlessToldOtherwise() {
        assertThat(IngestConfig.fromEnv(minimal()).recovery().lateness()).isEqualTo(Duration.ofMinutes(15));

        Map<String, String> off = minimal();
        off.put("FLOWPULSE_INGEST_LATENESS", "0s");
        assertThat(IngestConfig.fromEnv(off).recovery().lateness()).isZero();

        Map<String, String> tooLong = minimal();
        tooLong.put("FLOWPULSE_INGEST_LATENESS", "7h");
        assertThatThrownBy(() -> IngestConfig.fromEnv(tooLong))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FLOWPULSE_INGEST_LATENESS must be at most 6h");
    }

    @Test
    void shouldRejectAReconnectMaximumBelowTheMinimum() {
        Map<String, String> env = minimal();
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "10s");
        env.put("FLOWPULSE_INGEST_RECONNECT_MAX", "1s");

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .hasMessageContaining("FLOWPULSE_INGEST_RECONNECT_MAX (PT1S) must not be below");
    }

    @Test
    void shouldRejectANonHttpApiUrl() {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", "ws://prefect:4200/api");

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .hasMessageContaining("PREFECT_API_URL must be an absolute http:// or https:// URL");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "prefect:4200/api?api-key=urlpass",
                "http://prefect:4200/api/events?token=urlpass|x",
                "https:///api?token=urlpass"
            })
    void shouldRejectAnInvalidApiUrlWithoutEchoingIt(String url) {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", url);
        env.put("PREFECT_CLOUD_API_URL", "cloud?key=urlpass");

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .hasSize(2)
                        .allSatisfy(p -> assertThat(p).doesNotContain("urlpass", url))
                        .anySatisfy(p -> assertThat(p).startsWith("PREFECT_API_URL "))
                        .anySatisfy(p -> assertThat(p)
                                .isEqualTo("PREFECT_CLOUD_API_URL must be an absolute http:// or https:// URL (no"
                                        + " scheme)")));
    }

    @Test
    void shouldKeepSecretsOutOfToString() {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_KEY", API_KEY);
        env.put("PREFECT_API_AUTH_STRING", AUTH_STRING);
        env.put(
                "KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"u\" password=\"kafka-secret\";");

        String text = IngestConfig.fromEnv(env).toString();

        assertThat(text)
                .doesNotContain(API_KEY, AUTH_STRING, "s3cr3t", "kafka-secret")
                .contains("apiKey=****", "authString=****", "sasl.jaas.config");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://user:urlpass@prefect:4200/api",
                "https://urlpass@prefect/api",
                "http://a:urlpass@[::1]:4200/api"
            })
    void shouldRejectCredentialsInTheApiUrlWithoutEchoingThem(String url) {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", url);

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                        .contains("PREFECT_API_URL", "PREFECT_API_AUTH_STRING")
                        .doesNotContain("urlpass", url));
    }

    @Test
    void shouldAcceptAnAtSignAfterTheHost() {
        Map<String, String> env = minimal();
        env.put("PREFECT_API_URL", "http://prefect:4200/api/accounts/a@b");

        assertThat(IngestConfig.fromEnv(env).apiUrl().getHost()).isEqualTo("prefect");
    }

    @Test
    void shouldKeepSecretsOutOfConfigurationErrors() {
        Map<String, String> env = new HashMap<>();
        env.put("PREFECT_API_KEY", API_KEY);
        env.put("PREFECT_API_AUTH_STRING", AUTH_STRING);
        env.put("FLOWPULSE_INGEST_LOOKBACK", "later");

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(API_KEY, AUTH_STRING));
    }
}
