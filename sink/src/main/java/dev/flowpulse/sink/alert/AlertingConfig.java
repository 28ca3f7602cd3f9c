package dev.flowpulse.sink.alert;

import dev.flowpulse.contract.EnvReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The alerting settings of the sink, read from the environment together with the rules file, so
 * that bad variables and every problem of the rules file are reported in one
 * {@link dev.flowpulse.contract.ConfigException}. Immutable; {@link #toString()} never shows
 * Alertmanager credentials.
 *
 * @param rules              {@code FLOWPULSE_ALERT_RULES} (a file), default the shipped rules
 * @param rulesSource        the file read, or the shipped resource's name
 * @param alertmanagers      {@code FLOWPULSE_ALERTMANAGER_URLS}, comma-separated base URLs; empty = evaluate, push nowhere
 * @param resendInterval     {@code FLOWPULSE_ALERT_RESEND_INTERVAL}, default 1m
 * @param evaluationInterval {@code FLOWPULSE_ALERT_EVALUATION_INTERVAL}, default 10s
 * @param timeout            {@code FLOWPULSE_ALERTMANAGER_TIMEOUT}, default 10s: connect and request timeout of a push
 * @param prefectUiUrl       {@code FLOWPULSE_PREFECT_UI_URL}, or null: the base of {@code generatorURL}
 */
public record AlertingConfig(
        AlertRules rules,
        String rulesSource,
        List<AlertmanagerTarget> alertmanagers,
        Duration resendInterval,
        Duration evaluationInterval,
        Duration timeout,
        URI prefectUiUrl) {

    public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public AlertingConfig {
        Objects.requireNonNull(rules, "rules");
        alertmanagers = List.copyOf(alertmanagers);
    }

    /** Reads the settings and the rules file, adding every problem to {@code reader}. */
    public static AlertingConfig read(EnvReader reader) {
        String file = reader.string("FLOWPULSE_ALERT_RULES", null);
        List<String> problems = new ArrayList<>();
        AlertRules rules = file == null
                ? AlertRules.parse(AlertRules.defaultText(), AlertRules.DEFAULT_RESOURCE, problems)
                : AlertRules.load(Path.of(file), problems);
        problems.forEach(p -> reader.problem("FLOWPULSE_ALERT_RULES: " + p));
        List<AlertmanagerTarget> targets = new ArrayList<>();
        String[] urls = reader.string("FLOWPULSE_ALERTMANAGER_URLS", "").split(",");
        for (int i = 0; i < urls.length; i++) {
            if (urls[i].isBlank()) {
                continue;
            }
            try {
                targets.add(AlertmanagerTarget.parse(urls[i]));
            } catch (IllegalArgumentException e) {
                reader.problem("FLOWPULSE_ALERTMANAGER_URLS entry " + (i + 1) + " " + e.getMessage());
            }
        }
        return new AlertingConfig(
                rules,
                file == null ? AlertRules.DEFAULT_RESOURCE : file,
                targets,
                reader.positiveDuration("FLOWPULSE_ALERT_RESEND_INTERVAL", DEFAULT_RESEND_INTERVAL),
                reader.positiveDuration("FLOWPULSE_ALERT_EVALUATION_INTERVAL", DEFAULT_EVALUATION_INTERVAL),
                reader.positiveDuration("FLOWPULSE_ALERTMANAGER_TIMEOUT", DEFAULT_TIMEOUT),
                reader.httpUrl("FLOWPULSE_PREFECT_UI_URL", null));
    }

    @Override
    public String toString() {
        return "AlertingConfig[rules=" + rulesSource + " (" + rules.rules().size() + " rules), alertmanagers="
                + alertmanagers + ", resendInterval=" + resendInterval + ", evaluationInterval=" + evaluationInterval
                + ", timeout=" + timeout + ", prefectUiUrl=" + prefectUiUrl + "]";
    }
}
