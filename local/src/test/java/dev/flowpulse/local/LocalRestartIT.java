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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
    private static final Duration DEADLINE = LocalLauncher.DEADLINE;
    private static final Pattern METRICS = LocalLauncher.METRICS;
    private static final Pattern KAFKA = LocalLauncher.KAFKA;

    private static ConditionFactory eventually() {
        return await().atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250));
    }

    @Test
    void shouldContinueTheCountersExactlyAfterKillMinusNine() throws Exception {
        assertThat(LocalLauncher.JAR).as("built by mvn package").exists();
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

            LocalLauncher first = start(dir, "first", prefect.apiUrl());
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

            LocalLauncher second = start(dir, "second", prefect.apiUrl());
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
                LocalLauncher intruder = start(dir, "intruder", prefect.apiUrl());
                assertThat(intruder.process().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                        .as("exits by itself")
                        .isTrue();
                assertThat(intruder.process().exitValue()).isNotZero();
                assertThat(Files.readString(intruder.stderr(), UTF_8))
                        .contains("is in use by another flowpulse launcher");
                assertThat(ScenarioMetrics.mismatches(ScenarioMetrics.scrape(metrics), expected))
                        .isEmpty();
            } finally {
                second.kill();
            }
        }
    }

    private static LocalLauncher start(Path dir, String name, URI prefect) throws IOException {
        return LocalLauncher.start(dir, name, prefect, Map.of());
    }
}
