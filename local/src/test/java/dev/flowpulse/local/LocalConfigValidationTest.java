package dev.flowpulse.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.runtime.JvmShutdown;
import dev.flowpulse.runtime.MetricsHttpServer.Health;
import dev.flowpulse.runtime.Service;
import dev.flowpulse.runtime.ServiceRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalConfigValidationTest {

    @TempDir
    Path tmp;

    @Test
    void shouldReportTheProblemsOfEveryComponentAtOnceBeforeStartingAny() {
        Path home = tmp.resolve("local");
        Map<String, String> env = Map.of(
                "FLOWPULSE_LOCAL_DIR", home.toString(),
                "FLOWPULSE_SIMULATOR_SEED", "abc", // launcher
                "FLOWPULSE_TOPIC_PARTITIONS", "x", // topics
                "FLOWPULSE_INGEST_PING_INTERVAL", "nope", // ingest
                "FLOWPULSE_WINDOWS", "0s", // streams
                "FLOWPULSE_SINK_POLL_TIMEOUT", "never", // sink
                "FLOWPULSE_KAFKA_CLIENT_METRICS", "maybe", // metrics
                "FLOWPULSE_LOG_LEVEL", "loud");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = new ServiceRunner("flowpulse local", new NoJvm(), new PrintStream(err, true, UTF_8))
                .run(env, LocalMain::services);

        assertThat(status).isEqualTo(ServiceRunner.EXIT_CONFIG);
        assertThat(err.toString(UTF_8))
                .contains(
                        "FLOWPULSE_SIMULATOR_SEED",
                        "FLOWPULSE_TOPIC_PARTITIONS",
                        "FLOWPULSE_INGEST_PING_INTERVAL",
                        "FLOWPULSE_WINDOWS",
                        "FLOWPULSE_SINK_POLL_TIMEOUT",
                        "FLOWPULSE_KAFKA_CLIENT_METRICS",
                        "FLOWPULSE_LOG_LEVEL")
                .doesNotContain("KAFKA_BOOTSTRAP_SERVERS", "PREFECT_API_URL", "\tat ");
        assertThat(Files.exists(home)).as("no broker was started").isFalse();
    }

    @Test
    void shouldValidateAnExternalPrefectUrlAndBrokerAsGiven() {
        Map<String, String> env = Map.of(
                "PREFECT_API_URL", "ftp://prefect",
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "FLOWPULSE_SIMULATOR_RUNS_PER_SECOND", "0");

        assertThatThrownBy(() -> LocalMain.services(env))
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .containsExactlyInAnyOrder(
                                        "FLOWPULSE_SIMULATOR_RUNS_PER_SECOND must be a number above 0 and at most 1000, got '0'",
                                        "PREFECT_API_URL must be an absolute http:// or https:// URL (scheme is not http or https)"));
    }

    @Test
    void shouldStartBrokerAndSimulatorBeforeThePipelineWhenNothingIsGiven() {
        List<Service> services = LocalMain.services(Map.of("FLOWPULSE_LOCAL_DIR", tmp.toString()));

        assertThat(services)
                .extracting(Service::name)
                .containsExactly("kafka", "prefect-simulator", "pipeline", "http", "banner");
    }

    @Test
    void shouldUseTheGivenBrokerAndPrefectInsteadOfStartingThem() {
        List<Service> services = LocalMain.services(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "PREFECT_API_URL", "https://prefect.example/api"));

        assertThat(services).extracting(Service::name).containsExactly("pipeline", "http", "banner");
    }

    @Test
    void shouldTakeSeveralPrefectSourcesInsteadOfTheSimulator() {
        List<Service> services = LocalMain.services(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "FLOWPULSE_SOURCES", "prod,staging",
                "FLOWPULSE_SOURCE_PROD_PREFECT_API_URL", "https://prefect-prod.example/api",
                "FLOWPULSE_SOURCE_STAGING_PREFECT_API_URL", "https://prefect-staging.example/api"));

        assertThat(services).extracting(Service::name).containsExactly("pipeline", "http", "banner");
    }

    @Test
    void shouldReportAPerSourceProblemNamingItsVariable() {
        assertThatThrownBy(() -> LocalMain.services(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                        "FLOWPULSE_SOURCES", "prod",
                        "FLOWPULSE_SOURCE_PROD_PREFECT_API_URL", "ftp://prefect")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FLOWPULSE_SOURCE_PROD_PREFECT_API_URL must be an absolute http://");
    }

    @Test
    void shouldPrintTheAddressesButNeverPrefectCredentials() {
        String banner = StartupBanner.text(
                new StartupBanner.Facts(
                        URI.create("http://127.0.0.1:9400"),
                        "kafka-1:9092",
                        false,
                        "https://admin:s3cret@prefect.example:4200/api",
                        false,
                        "/srv/flowpulse/state"),
                Health.healthy());

        assertThat(banner)
                .contains(
                        "http://127.0.0.1:9400/metrics",
                        "http://127.0.0.1:9400/health",
                        "kafka-1:9092",
                        "https://prefect.example:4200/api",
                        "/srv/flowpulse/state")
                .doesNotContain("s3cret", "admin");
    }

    /** Configuration problems never reach the JVM: nothing to hook, nothing to halt. */
    private static final class NoJvm implements JvmShutdown {
        @Override
        public void addHook(Thread hook) {
            throw new AssertionError("no hook before the configuration is valid");
        }

        @Override
        public boolean removeHook(Thread hook) {
            return true;
        }

        @Override
        public void halt(int status) {
            throw new AssertionError("halt(" + status + ")");
        }
    }
}
