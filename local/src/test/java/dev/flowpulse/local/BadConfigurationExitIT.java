package dev.flowpulse.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each built jar, run as a newcomer would ({@code java -jar}), with several bad variables at once:
 * exit status 2, every problem named in one message on stderr, no stack trace, nothing started.
 * Needs the jars of {@code mvn package}; skipped when they are missing.
 */
@Tag("integration")
@Timeout(120)
class BadConfigurationExitIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static Stream<Arguments> jars() {
        Map<String, String> pipelineProblems = Map.of(
                "FLOWPULSE_TOPIC_PARTITIONS", "x",
                "FLOWPULSE_INGEST_PING_INTERVAL", "nope",
                "PREFECT_API_URL", "ftp://x",
                "FLOWPULSE_LOG_LEVEL", "loud");
        return Stream.of(
                Arguments.of(
                        "ingest/target/flowpulse-ingest.jar",
                        pipelineProblems,
                        List.of(
                                "FLOWPULSE_TOPIC_PARTITIONS",
                                "FLOWPULSE_INGEST_PING_INTERVAL",
                                "PREFECT_API_URL",
                                "FLOWPULSE_LOG_LEVEL",
                                "KAFKA_BOOTSTRAP_SERVERS")),
                Arguments.of(
                        "streams/target/flowpulse-streams.jar",
                        Map.of("FLOWPULSE_TOPIC_PARTITIONS", "x", "FLOWPULSE_WINDOWS", "5 minutes"),
                        List.of("FLOWPULSE_TOPIC_PARTITIONS", "FLOWPULSE_WINDOWS", "KAFKA_BOOTSTRAP_SERVERS")),
                Arguments.of(
                        "sink/target/flowpulse-sink.jar",
                        Map.of("FLOWPULSE_SINK_HTTP_PORT", "99999", "FLOWPULSE_KAFKA_CLIENT_METRICS", "maybe"),
                        List.of(
                                "FLOWPULSE_SINK_HTTP_PORT",
                                "FLOWPULSE_KAFKA_CLIENT_METRICS",
                                "KAFKA_BOOTSTRAP_SERVERS")),
                Arguments.of(
                        "simulator/target/flowpulse-simulator.jar",
                        Map.of("FLOWPULSE_SIMULATOR_PORT", "http", "FLOWPULSE_SIMULATOR_SEED", "x"),
                        List.of("FLOWPULSE_SIMULATOR_PORT", "FLOWPULSE_SIMULATOR_SEED")),
                Arguments.of(
                        "local/target/flowpulse-local.jar",
                        Map.of(
                                "FLOWPULSE_LOCAL_DIR", "target/bad-config-it",
                                "FLOWPULSE_SIMULATOR_SEED", "x",
                                "FLOWPULSE_INGEST_PING_INTERVAL", "nope",
                                "FLOWPULSE_SINK_POLL_TIMEOUT", "never"),
                        List.of(
                                "FLOWPULSE_SIMULATOR_SEED",
                                "FLOWPULSE_INGEST_PING_INTERVAL",
                                "FLOWPULSE_SINK_POLL_TIMEOUT")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jars")
    void shouldExitTwoNamingEveryBadVariableInOneMessage(String jar, Map<String, String> env, List<String> named)
            throws IOException, InterruptedException {
        Path path = ROOT.resolve(jar);
        assumeTrue(Files.exists(path), jar + " is not built");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", path.toString());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("PREFECT_") || k.startsWith("FLOWPULSE_"));
        builder.environment().putAll(env);
        Process process = builder.start();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits by itself").isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), UTF_8);
        String stdout = new String(process.getInputStream().readAllBytes(), UTF_8);

        assertThat(process.exitValue()).as(stderr).isEqualTo(2);
        assertThat(stderr).contains("Invalid configuration:").contains(named).doesNotContain("\tat ", "Exception");
        assertThat(stderr.split("Invalid configuration:", -1)).as("one message").hasSize(2);
        assertThat(stdout).isEmpty();
        assertThat(ROOT.resolve("local/target/bad-config-it")).doesNotExist();
    }
}
