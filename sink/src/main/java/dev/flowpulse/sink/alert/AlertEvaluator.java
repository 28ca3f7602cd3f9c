package dev.flowpulse.sink.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Turns a {@link WindowView} snapshot into the set of alerts whose condition holds: one per rule
 * and matching scope. Anything not returned is not firing, so an alert resolves as soon as its
 * condition stops holding, including a {@code failure_ratio} window that no longer has
 * {@code min_finished} runs. Conditions (value compared with the rule's threshold):
 * <ul>
 *   <li>{@code failure_ratio}: failed / finished &gt; threshold, with finished &ge; min_finished</li>
 *   <li>{@code failures}: FAILED + CRASHED in the window &ge; threshold</li>
 *   <li>{@code slow_run}: longest RUNNING time of a run finished in the window &gt; threshold</li>
 *   <li>{@code duration_p95}: p95 from the window's buckets &gt; threshold</li>
 *   <li>{@code stuck}: longest-running run RUNNING for &gt; threshold at {@code asOf}</li>
 *   <li>{@code no_success}: time since the last COMPLETED (or since first seen) &gt; threshold</li>
 * </ul>
 *
 * <p>Pure: the result depends only on the rules and the snapshot, in a stable order (by labels),
 * so two sink replicas with the same data produce the same alerts. Thread safe (immutable).
 */
public final class AlertEvaluator {

    private static final Comparator<Alert> BY_LABELS =
            Comparator.comparing(a -> a.labels().toString());

    private final AlertRules rules;
    private final PrefectUiLinks links;

    public AlertEvaluator(AlertRules rules, PrefectUiLinks links) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.links = Objects.requireNonNull(links, "links");
    }

    public List<Alert> evaluate(WindowView view) {
        List<Alert> active = new ArrayList<>();
        for (AlertRule rule : rules.rules()) {
            for (Scope scope : view.scopes(rule.by())) {
                if (!rule.matches(scope.labelsWithWorkspace())) {
                    continue;
                }
                OptionalDouble value = firingValue(rule, view, scope);
                if (value.isPresent()) {
                    active.add(alert(rule, scope, value.getAsDouble()));
                }
            }
        }
        active.sort(BY_LABELS);
        return active;
    }

    /** The value that makes {@code rule} fire for {@code scope}, or empty if its condition does not hold. */
    static OptionalDouble firingValue(AlertRule rule, WindowView view, Scope scope) {
        double t = rule.threshold();
        OptionalDouble value = switch (rule.kind()) {
            case FAILURE_RATIO -> {
                WindowAggregate w = view.window(scope, rule.window());
                yield w.finished() < rule.minFinished() ? OptionalDouble.empty() : w.failureRatio();
            }
            case FAILURES -> OptionalDouble.of(view.window(scope, rule.window()).failed());
            case SLOW_RUN -> {
                WindowAggregate w = view.window(scope, rule.window());
                yield w.finished() == 0 ? OptionalDouble.empty() : OptionalDouble.of(w.maxDurationSeconds());
            }
            case DURATION_P95 -> view.window(scope, rule.window()).durationQuantile(0.95);
            case STUCK -> longestRunning(view, scope);
            case NO_SUCCESS ->
                OptionalDouble.of(seconds(view.lastCompleted(scope).orElse(view.firstSeen(scope)), view.asOf()));
        };
        if (value.isEmpty()) {
            return value;
        }
        boolean fires = rule.kind() == AlertKind.FAILURES ? value.getAsDouble() >= t : value.getAsDouble() > t;
        return fires ? value : OptionalDouble.empty();
    }

    private static OptionalDouble longestRunning(WindowView view, Scope scope) {
        return view.running(scope).stream()
                .mapToDouble(r -> seconds(r.runningSince(), view.asOf()))
                .max();
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }

    private Alert alert(AlertRule rule, Scope scope, double value) {
        Map<String, String> labels = new TreeMap<>(rule.labels());
        labels.putAll(scope.labelsWithWorkspace());
        labels.put("alertname", rule.name());
        labels.put("severity", rule.severity());
        Map<String, String> values = new HashMap<>(labels);
        values.put("value", AlertValues.format(rule.kind().threshold(), value));
        values.put("threshold", AlertValues.format(rule.kind().threshold(), rule.threshold()));
        if (rule.window() != null) {
            values.put("window", AlertValues.duration(rule.window()));
        }
        Map<String, String> annotations = new TreeMap<>();
        rule.annotations().forEach((k, template) -> annotations.put(k, AnnotationTemplate.render(template, values)));
        return new Alert(labels, annotations, links.linkTo(scope));
    }
}
