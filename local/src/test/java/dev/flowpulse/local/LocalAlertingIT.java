package dev.flowpulse.local;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.AlertmanagerFixture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one-command run, as a process from the built jar, given a rules file
 * ({@code FLOWPULSE_ALERT_RULES}) and the real Alertmanager from Debian
 * ({@code FLOWPULSE_ALERTMANAGER_URLS}): the simulator's seeded scenario (its runs finished in the
 * last ten minutes) reaches the topology's windows, the sink evaluates the file's rule and the
 * Alertmanager notifies its webhook of one firing alert per deployment that failed, with the
 * rule's labels. Needs {@code mvn package}.
 */
@Tag("integration")
@Tag("e2e")
@Timeout(value = 10, unit = MINUTES)
class LocalAlertingIT {

    private static final long SEED = 20261202L;
    private static final int RUNS = 40;
    private static final String ALERT = "LocalItDeploymentFailed";
    /** Failures in the last 30 minutes (six 5m slices): the whole scenario, whenever it runs. */
    private static final String RULES = """
            rules:
              - name: %s
                kind: failures
                by: deployment
                window: 30m
                threshold: 1
                severity: page
                labels: {team: local-it}
                annotations:
                  summary: "{{ .deployment }} failed {{ .value }} times in {{ .window }}"
            """.formatted(ALERT);

    @Test
    void shouldPushTheAlertsOfTheGivenRulesFileToTheGivenAlertmanager() throws Exception {
        assertThat(LocalLauncher.JAR).as("built by mvn package").exists();
        Path dir = Path.of("target", "alerting-it-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(dir);
        Path rules = Files.writeString(dir.resolveSibling(dir.getFileName() + "-rules.yml"), RULES);
        Instant start = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        Scenario scenario = Scenario.generate(SEED, RUNS, start);
        List<ObjectNode> events = scenario.events();
        Set<List<String>> failing = scenario.expectedFinished().keySet().stream()
                .filter(k -> Set.of("FAILED", "CRASHED").contains(k.stateType()))
                .map(k -> List.of(k.flow(), k.deployment()))
                .collect(Collectors.toSet());
        // runs without a deployment (ad-hoc) may form a deployment scope of their own (deployment=""): allowed, not
        // required
        Set<List<String>> failingDeployments =
                failing.stream().filter(s -> !s.get(1).isEmpty()).collect(Collectors.toSet());
        assertThat(failingDeployments)
                .as("deployments of the scenario with a failed run")
                .isNotEmpty();

        try (AlertmanagerFixture alertmanager = AlertmanagerFixture.start("alertname", "flow", "deployment");
                PrefectSimulator prefect = PrefectSimulator.builder().build().start()) {
            prefect.publish(events); // stored before the launcher connects: arrives by backfill
            LocalLauncher launcher = LocalLauncher.start(
                    dir,
                    "alerting",
                    prefect.apiUrl(),
                    Map.of(
                            "FLOWPULSE_ALERT_RULES", rules.toString(),
                            "FLOWPULSE_ALERTMANAGER_URLS",
                                    alertmanager.baseUri().toString()));
            try {
                URI metrics = URI.create(launcher.awaitBanner(LocalLauncher.METRICS));
                await().atMost(LocalLauncher.DEADLINE)
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(firingScopes(alertmanager))
                                .as("deployments Alertmanager notified as firing")
                                .containsAll(failingDeployments)
                                .isSubsetOf(failing));

                JsonNode alert = firingAlerts(alertmanager)
                        .filter(a ->
                                !a.path("labels").path("deployment").asText().isEmpty())
                        .findFirst()
                        .orElseThrow();
                Map<String, String> labels = AlertmanagerFixture.labels(alert);
                assertThat(labels)
                        .containsEntry("alertname", ALERT)
                        .containsEntry("severity", "page")
                        .containsEntry("team", "local-it")
                        .containsKeys("flow", "deployment", "workspace");
                assertThat(labels.get("workspace")).isNotBlank();
                assertThat(alert.path("annotations").path("summary").asText())
                        .startsWith(labels.get("deployment") + " failed ");
                await().atMost(LocalLauncher.DEADLINE)
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(ScenarioMetrics.sum(
                                        ScenarioMetrics.scrape(metrics), "flowpulse_sink_alerts_firing"))
                                .as("alerts the sink reports firing, as notified")
                                .isEqualTo(firingScopes(alertmanager).size()));
            } finally {
                launcher.kill();
            }
        }
    }

    /** The (flow, deployment) of every alert of every firing notification so far (Alertmanager drops empty labels). */
    private static Set<List<String>> firingScopes(AlertmanagerFixture alertmanager) {
        return firingAlerts(alertmanager)
                .map(AlertmanagerFixture::labels)
                .map(l -> List.of(l.getOrDefault("flow", ""), l.getOrDefault("deployment", "")))
                .collect(Collectors.toSet());
    }

    private static Stream<JsonNode> firingAlerts(AlertmanagerFixture alertmanager) {
        return alertmanager.notifications("firing", ALERT).stream()
                .flatMap(n -> StreamSupport.stream(n.path("alerts").spliterator(), false));
    }
}
