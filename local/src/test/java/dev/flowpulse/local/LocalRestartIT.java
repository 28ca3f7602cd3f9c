package dev.flowpulse.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The one-command run against an external Prefect (the simulator, in this JVM), as a separate
 * process from the built jar: killed with {@code kill -9} mid-stream while more events are stored
 * in Prefect, then started again on the same {@code FLOWPULSE_LOCAL_DIR}: the embedded broker
 * reopens its data, streams its state, ingest resumes from its cursor, and {@code /metrics} ends at
 * exactly the totals of the whole scenario, as if nothing had happened. A second launcher on the
 * same directory is refused. Needs {@code mvn package} (the jar and {@code target/lib}).
 */
@Tag("integration")
@Tag("e2e")
@Timeout(value = 15, unit = MINUTES)
class LocalRestartIT {

    private static final long SEED = 20261201L;
    private static final int RUNS = 40;
    /** Per wait: each start of the launcher is a JVM with a broker and three services on a loaded 2-core machine. */
    private static final Duration DEADLINE = Duration.ofMinutes(4);

    private static final Path JAR = Path.of("target", "flowpulse-local.jar").toAbsolutePath();
    private static final Pattern METRICS = Pattern.compile("^\\s*metrics\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern KAFKA = Pattern.compile("^\\s*kafka\\s+(\\S+)", Pattern.MULTILINE);

    private static ConditionFactory eventually() {
        return await().atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250));
    }

    @Test
    void shouldContinueTheCountersExactlyAfterKillMinusNine() throws Exception {
        assertThat(JAR).as("built by mvn package").exists();
        String id = "restart-it-" + UUID.randomUUID();
        Path dir = Path.of("target", id).toAbsolutePath();
        Files.createDirectories(dir);
        Instant start = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        Scenario scenario = Scenario.generate(SEED, RUNS, start);
        List<ObjectNode> events = scenario.events();
        assertThat(scenario.end()).isBefore(Instant.now());
        int half = events.size() / 2;
        int threeQuarters = events.size() * 3 / 4;
        Map<String, Double> expected = ScenarioMetrics.expectedSamples(scenario);
        double allStates = expected.entrySet().stream()
                .filter(e -> e.getKey().startsWith("prefect_flow_run_states_total{"))
                .mapToDouble(Map.Entry::getValue)
                .sum();

        try (PrefectSimulator prefect = PrefectSimulator.builder().build().start()) {
            prefect.publish(events.subList(0, half)); // stored before the launcher connects

            Launcher first = Launcher.start(dir, "first", prefect.apiUrl());
            String firstKafka;
            try {
                URI metrics = URI.create(first.awaitBanner(METRICS));
                firstKafka = first.awaitBanner(KAFKA);
                eventually()
                        .untilAsserted(() -> assertThat(ScenarioMetrics.sum(
                                        ScenarioMetrics.scrape(metrics), "prefect_flow_run_states_total"))
                                .as("part of the scenario counted")
                                .isPositive());
                prefect.publish(events.subList(half, threeQuarters)); // live, while the process is killed
            } finally {
                first.kill();
            }
            prefect.publish(events.subList(threeQuarters, events.size())); // while the launcher is down

            Launcher second = Launcher.start(dir, "second", prefect.apiUrl());
            try {
                URI metrics = URI.create(second.awaitBanner(METRICS));
                assertThat(second.awaitBanner(KAFKA))
                        .as("the reopened broker keeps its ports")
                        .isEqualTo(firstKafka);
                eventually()
                        .untilAsserted(
                                () -> assertThat(ScenarioMetrics.mismatches(ScenarioMetrics.scrape(metrics), expected))
                                        .as("expected samples not (yet) scraped")
                                        .isEmpty());
                String text = ScenarioMetrics.scrape(metrics);
                assertThat(ScenarioMetrics.sum(text, "prefect_flow_run_states_total"))
                        .as("no series beyond the scenario's")
                        .isEqualTo(allStates);
                LoggerFactory.getLogger(LocalRestartIT.class)
                        .info("All {} expected samples scraped after kill -9 and restart", expected.size());

                // A second launcher on the same directory is refused, and leaves the first running.
                Launcher intruder = Launcher.start(dir, "intruder", prefect.apiUrl());
                assertThat(intruder.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                        .as("exits by itself")
                        .isTrue();
                assertThat(intruder.process.exitValue()).isNotZero();
                assertThat(Files.readString(intruder.stderr, UTF_8))
                        .contains("is in use by another flowpulse launcher");
                assertThat(ScenarioMetrics.mismatches(ScenarioMetrics.scrape(metrics), expected))
                        .isEmpty();
            } finally {
                second.kill();
            }
        }
    }

    /** One run of the launcher jar, its output in files beside its data. */
    private record Launcher(Process process, Path stdout, Path stderr) {

        static Launcher start(Path dir, String name, URI prefect) throws IOException {
            Path stdout = dir.resolveSibling(dir.getFileName() + "-" + name + ".out");
            Path stderr = dir.resolveSibling(dir.getFileName() + "-" + name + ".err");
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC",
                    "-Xmx768m",
                    "-jar",
                    JAR.toString());
            builder.environment()
                    .keySet()
                    .removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("PREFECT_") || k.startsWith("FLOWPULSE_"));
            builder.environment()
                    .putAll(Map.of(
                            "PREFECT_API_URL", prefect.toString(),
                            "FLOWPULSE_LOCAL_DIR", dir.toString(),
                            "FLOWPULSE_SINK_HTTP_PORT", "0"));
            builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            return new Launcher(builder.start(), stdout, stderr);
        }

        /** The first group of {@code pattern} in the banner on stdout, once printed. */
        String awaitBanner(Pattern pattern) {
            return eventually().until(() -> find(pattern), Optional::isPresent).orElseThrow();
        }

        private Optional<String> find(Pattern pattern) throws IOException {
            assertThat(process.isAlive())
                    .as("launcher running; stderr: %s", Files.readString(stderr, UTF_8))
                    .isTrue();
            Matcher m = pattern.matcher(Files.readString(stdout, UTF_8));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        /** {@code kill -9} (SIGKILL on Linux): no shutdown hook, nothing flushed or closed. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("killed").isTrue();
        }
    }
}
