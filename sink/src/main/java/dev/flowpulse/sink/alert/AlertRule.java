package dev.flowpulse.sink.alert;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One validated rule of the alert rules file (see {@link AlertRules} and {@code sink/README.md}).
 * Immutable.
 *
 * @param name        the {@code alertname} label; unique within the file
 * @param kind        what the rule watches
 * @param by          one alert per scope of this dimension
 * @param window      how far back the windowed kinds look; {@code null} for {@code stuck} and {@code no_success}
 * @param threshold   a ratio in [0, 1) ({@code failure_ratio}), a count ({@code failures}) or seconds (the others)
 * @param minFinished {@code failure_ratio} only: fewer finished runs in the window means no alert (1 for other kinds)
 * @param match       label name to a regex the scope's label must match in full
 * @param severity    the {@code severity} label
 * @param labels      extra alert labels
 * @param annotations annotation templates ({@code {{ .label }}}, {@code {{ .value }}})
 */
public record AlertRule(
        String name,
        AlertKind kind,
        ScopeDimension by,
        Duration window,
        double threshold,
        int minFinished,
        Map<String, Pattern> match,
        String severity,
        Map<String, String> labels,
        Map<String, String> annotations) {

    public AlertRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(by, "by");
        if (kind.windowed() != (window != null)) {
            throw new IllegalArgumentException(kind.key() + (kind.windowed() ? " needs" : " takes no") + " window");
        }
        Objects.requireNonNull(severity, "severity");
        match = Map.copyOf(match);
        labels = new TreeMap<>(labels);
        annotations = new TreeMap<>(annotations);
    }

    /** True if every {@code match} regex matches the whole of the scope's label (a missing label is ""). */
    public boolean matches(Map<String, String> scopeLabels) {
        for (Map.Entry<String, Pattern> m : match.entrySet()) {
            if (!m.getValue().matcher(scopeLabels.getOrDefault(m.getKey(), "")).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The threshold of a duration kind. */
    public Duration thresholdDuration() {
        return Duration.ofMillis(Math.round(threshold * 1000));
    }
}
