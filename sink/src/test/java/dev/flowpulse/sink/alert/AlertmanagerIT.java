package dev.flowpulse.sink.alert;

import static dev.flowpulse.testkit.AlertmanagerFixture.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.testkit.AlertmanagerFixture;
import dev.flowpulse.testkit.AlertmanagerProcess;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Alertmanager 0.25 from Debian, with a webhook receiver in this test: alerts evaluated
 * from a hand-built {@link WindowView}, pushed by {@link AlertingService} over HTTP, and the
 * notifications Alertmanager actually sends checked.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AlertmanagerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RULES = """
            rules:
              - name: DeploymentFailureRatioHigh
                kind: failure_ratio
                by: deployment
                window: 15m
                threshold: 0.5
                min_finished: 3
                severity: page
                labels: {team: data-platform}
                annotations: {summary: "{{ .deployment }} fails {{ .value }} of its runs"}
            """;
    private static final Scope HOURLY_SYNC =
            Scope.deployment("prod", "etl-orders", "hourly-sync", "k8s-prod", "flow-1", "dep-1");

    private final AtomicReference<Optional<WindowView>> view = new AtomicReference<>(Optional.empty());
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InMemoryAlertStateStore store = new InMemoryAlertStateStore();
    private AlertmanagerFixture am;
    private AlertmanagerProcess alertmanager;
    private AlertingService alerting;

    @BeforeEach
    void startAlertmanager() throws Exception {
        am = AlertmanagerFixture.start("alertname", "deployment");
        alertmanager = am.process();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (alerting != null) {
            alerting.close();
        }
        am.close();
    }

    @Test
    void shouldDeliverAFailureRatioAlertWithItsLabelsAndThenItsResolve() {
        alerting = alerting(alertmanager.baseUri().toString());
        failing(4, 3);
        alerting.start();

        JsonNode firing = awaitNotification("firing");
        JsonNode alert = firing.path("alerts").get(0);
        assertThat(labels(alert))
                .isEqualTo(Map.of(
                        "alertname", "DeploymentFailureRatioHigh",
                        "severity", "page",
                        "flow", "etl-orders",
                        "deployment", "hourly-sync",
                        "work_pool", "k8s-prod",
                        "workspace", "prod",
                        "team", "data-platform"));
        assertThat(alert.path("annotations").path("summary").asText()).isEqualTo("hourly-sync fails 75% of its runs");
        assertThat(alert.path("generatorURL").asText())
                .isEqualTo("http://prefect.test:4200/deployments/deployment/dep-1");

        failing(2, 2); // two runs left the window: fewer than min_finished -> resolves

        JsonNode resolved = awaitNotification("resolved");
        assertThat(labels(resolved.path("alerts").get(0))).isEqualTo(labels(alert));
        assertThat(am.notifications("firing", "DeploymentFailureRatioHigh")).hasSize(1);
    }

    @Test
    void shouldDeliverOnceAnAlertmanagerThatWasDownWhileTheAlertFiredIsBack() throws Exception {
        alertmanager.stop();
        alerting = alerting(alertmanager.baseUri().toString());
        failing(4, 4);
        alerting.start();
        await().atMost(WAIT).until(() -> pushes(alertmanager.baseUri().toString(), "unreachable") >= 2);

        alertmanager.restart();

        awaitNotification("firing");
        assertThat(pushes(alertmanager.baseUri().toString(), "success")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldStillDeliverToTheGoodAlertmanagerBesideAnUnreachableOne() throws Exception {
        String unreachable = "http://127.0.0.1:" + AlertmanagerProcess.freePort();
        String good = alertmanager.baseUri().toString();
        alerting = alerting(unreachable + "," + good);
        failing(3, 3);
        alerting.start();

        awaitNotification("firing");
        await().atMost(WAIT).until(() -> pushes(unreachable, "unreachable") >= 1);
        assertThat(pushes(good, "success")).isGreaterThanOrEqualTo(1);
        assertThat(registry.scrape())
                .contains("flowpulse_sink_alert_pushes_total{alertmanager=\"" + good + "\",outcome=\"success\"}")
                .contains("flowpulse_sink_alerts_firing{alertname=\"DeploymentFailureRatioHigh\"} 1.0");
    }

    @Test
    void shouldNotNotifyAgainWhenTheSinkRestartsWithItsAlertState() {
        alerting = alerting(alertmanager.baseUri().toString());
        failing(4, 3);
        alerting.start();
        awaitNotification("firing");

        alerting.close(); // the sink restarts; its alert state survives (the Kafka topic, later)
        alerting = alerting(alertmanager.baseUri().toString());
        alerting.start();
        await().atMost(WAIT).until(() -> pushes(alertmanager.baseUri().toString(), "success") >= 1);
        failing(1, 0);

        awaitNotification("resolved");
        assertThat(am.notifications("firing", "DeploymentFailureRatioHigh"))
                .as("re-sent with its original startsAt: Alertmanager knows it already")
                .hasSize(1);
    }

    private AlertingService alerting(String alertmanagerUrls) {
        Map<String, String> env = new HashMap<>();
        env.put("FLOWPULSE_ALERTMANAGER_URLS", alertmanagerUrls);
        env.put("FLOWPULSE_ALERT_EVALUATION_INTERVAL", "200ms");
        env.put("FLOWPULSE_ALERT_RESEND_INTERVAL", "5s");
        env.put("FLOWPULSE_ALERTMANAGER_TIMEOUT", "2s");
        env.put("FLOWPULSE_PREFECT_UI_URL", "http://prefect.test:4200");
        EnvReader reader = new EnvReader(env);
        AlertingConfig config = AlertingConfig.read(reader);
        reader.check();
        AlertingConfig withRules = new AlertingConfig(
                AlertRules.parse(RULES, "it.yml"),
                "it.yml",
                config.alertmanagers(),
                config.resendInterval(),
                config.evaluationInterval(),
                config.timeout(),
                config.prefectUiUrl());
        return new AlertingService(withRules, view::get, store, registry);
    }

    /** The 15-minute window of hourly-sync now holds {@code finished} runs, {@code failed} of them failed. */
    private void failing(int finished, int failed) {
        view.set(Optional.of(new FixedWindowView(Instant.now())
                .window(HOURLY_SYNC, Duration.ofMinutes(15), AlertEvaluatorTest.aggregate(finished, failed))));
    }

    private JsonNode awaitNotification(String status) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        !am.notifications(status, "DeploymentFailureRatioHigh").isEmpty());
        return am.notifications(status, "DeploymentFailureRatioHigh").get(0);
    }

    private double pushes(String alertmanager, String outcome) {
        return AlertPushes.pushes(registry, alertmanager, outcome);
    }
}
