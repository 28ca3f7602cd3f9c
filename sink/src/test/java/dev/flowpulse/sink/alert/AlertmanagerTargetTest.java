package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerTargetTest {

    @Test
    void shouldMoveCredentialsFromTheUrlIntoAnAuthorizationHeader() {
        AlertmanagerTarget t = AlertmanagerTarget.parse(" https://svc:s3cret@am.example:9093/prefix/ ");

        assertThat(t.baseUri()).isEqualTo(URI.create("https://am.example:9093/prefix"));
        assertThat(t.alertsUri()).isEqualTo(URI.create("https://am.example:9093/prefix/api/v2/alerts"));
        assertThat(t.authorization()).isEqualTo("Basic c3ZjOnMzY3JldA==");
        assertThat(t.label()).isEqualTo("https://am.example:9093/prefix").doesNotContain("s3cret");
        assertThat(t.toString()).doesNotContain("s3cret").doesNotContain("svc");
    }

    @Test
    void shouldReportBadUrlsWithoutRepeatingThem() {
        assertThatThrownBy(() -> reader(Map.of(
                                "FLOWPULSE_ALERTMANAGER_URLS",
                                        "http://ok:9093, ftp://u:hunter2@am:21,http://x:9093/?q=1",
                                "FLOWPULSE_ALERT_RESEND_INTERVAL", "0s"))
                        .toString())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems())
                            .containsExactly(
                                    "FLOWPULSE_ALERTMANAGER_URLS entry 2 must be an absolute http:// or https:// URL",
                                    "FLOWPULSE_ALERTMANAGER_URLS entry 3 must not have a query or fragment",
                                    "FLOWPULSE_ALERT_RESEND_INTERVAL must be greater than zero");
                    assertThat(e.getMessage()).doesNotContain("hunter2");
                });
    }

    @Test
    void shouldReadDefaultsAndTheShippedRules() {
        AlertingConfig config = AlertingConfig.read(new EnvReader(Map.of()));

        assertThat(config.rules()).isEqualTo(AlertRules.defaults());
        assertThat(config.rulesSource()).isEqualTo("flowpulse-alert-rules.yml");
        assertThat(config.alertmanagers()).isEmpty();
        assertThat(config.resendInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.evaluationInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.prefectUiUrl()).isNull();
    }

    @Test
    void shouldReportRuleFileProblemsWithTheEnvironmentsOwn() {
        assertThatThrownBy(() -> reader(
                        Map.of("FLOWPULSE_ALERT_RULES", "target/absent.yml", "FLOWPULSE_PREFECT_UI_URL", "prefect")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "FLOWPULSE_ALERT_RULES: target/absent.yml: cannot read the alert rules file"
                                                + " (NoSuchFileException)",
                                        "FLOWPULSE_PREFECT_UI_URL must be an absolute http:// or https:// URL (no scheme)"));
    }

    @Test
    void shouldReadSeveralAlertmanagers() {
        AlertingConfig config = AlertingConfig.read(new EnvReader(Map.of(
                "FLOWPULSE_ALERTMANAGER_URLS",
                "http://am1:9093,http://am2:9093/",
                "FLOWPULSE_PREFECT_UI_URL",
                "http://prefect:4200/")));

        assertThat(config.alertmanagers().stream().map(AlertmanagerTarget::label))
                .isEqualTo(List.of("http://am1:9093", "http://am2:9093"));
        assertThat(config.prefectUiUrl()).isEqualTo(URI.create("http://prefect:4200"));
    }

    /** Reads, then throws what the reader collected, as a service's fromEnv would. */
    private static AlertingConfig reader(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        AlertingConfig config = AlertingConfig.read(reader);
        reader.check();
        return config;
    }
}
