package dev.flowpulse.streams.window;

import dev.flowpulse.contract.WindowKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Key of the windowed statistics before windowing: a dimension and its group labels
 * ({@code flow} → {@code {flow}}, {@code deployment} → {@code {flow, deployment}}). Used as the
 * repartition key: the JSON serde sorts map entries, so equal groups serialize to equal bytes.
 */
public record WindowGroup(String dimension, Map<String, String> group) {

    public static final String FLOW = "flow";
    public static final String DEPLOYMENT = "deployment";

    public WindowGroup {
        group = group == null ? Map.of() : Map.copyOf(group);
    }

    public static WindowGroup byFlow(WindowContribution contribution) {
        return new WindowGroup(FLOW, Map.of(FLOW, contribution.flow().name()));
    }

    /** Only meaningful for runs that have a deployment; the topology filters the others out. */
    public static WindowGroup byDeployment(WindowContribution contribution) {
        return new WindowGroup(
                DEPLOYMENT,
                Map.of(
                        FLOW,
                        contribution.flow().name(),
                        DEPLOYMENT,
                        contribution.deployment().name()));
    }

    public WindowKey windowKey(Instant windowStart, Duration windowSize) {
        return new WindowKey(dimension, group, windowStart, windowSize.toSeconds());
    }
}
