package dev.flowpulse.sink.alert;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alert whose condition holds: what {@link AlertEvaluator} returns and
 * {@link AlertNotifier} sends. Alertmanager identifies an alert by its label set, so two alerts
 * with equal {@link #labels()} are the same alert. Immutable.
 *
 * @param labels       {@code alertname}, {@code severity}, the scope's labels, {@code workspace}, the rule's labels
 * @param annotations  the rule's annotations, rendered
 * @param generatorUrl the Prefect UI page of the scope, or "" when unknown / not configured
 */
public record Alert(Map<String, String> labels, Map<String, String> annotations, String generatorUrl) {

    public Alert {
        labels = new TreeMap<>(labels);
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("an alert needs labels");
        }
        annotations = new TreeMap<>(annotations);
        generatorUrl = Objects.requireNonNullElse(generatorUrl, "");
    }

    public String alertname() {
        return labels.get("alertname");
    }
}
