package dev.flowpulse.sink.alert;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one alert is about, the rule file's {@code by}: one alert per flow, per deployment, per
 * work pool, per tag or per team. {@link #labels()} are the labels a scope of this dimension
 * carries (besides {@code workspace}); they become labels of the alert and may be used in
 * {@code match} and in annotation templates.
 */
public enum ScopeDimension {
    FLOW("flow", List.of("flow")),
    /**
     * A deployment is named within its flow, and its runs go to one work pool: the same three labels
     * as the metrics' series, so an alert can be matched and routed by pool.
     */
    DEPLOYMENT("deployment", List.of("flow", "deployment", "work_pool")),
    WORK_POOL("work_pool", List.of("work_pool")),
    TAG("tag", List.of("tag")),
    TEAM("team", List.of("team"));

    private final String key;
    private final List<String> labels;

    ScopeDimension(String key, List<String> labels) {
        this.key = key;
        this.labels = labels;
    }

    public String key() {
        return key;
    }

    public List<String> labels() {
        return labels;
    }

    public static Optional<ScopeDimension> of(String key) {
        return Arrays.stream(values()).filter(d -> d.key.equals(key)).findFirst();
    }
}
