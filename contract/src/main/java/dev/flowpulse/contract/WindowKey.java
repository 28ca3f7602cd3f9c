package dev.flowpulse.contract;

import java.time.Instant;
import java.util.Map;

/**
 * Key of the window-stats topics: which group of which workspace and which event-time window
 * {@code [windowStart, windowEnd)}. Dimensions and their group labels: {@code flow} →
 * {@code {flow}}, {@code deployment} → {@code {flow, deployment}}, {@code work_pool} →
 * {@code {work_pool}}, {@code tag} → {@code {tag}} (only tags with a configured prefix). Tumbling
 * windows have {@code windowAdvanceSeconds == windowSizeSeconds}; hopping windows advance by less.
 */
public record WindowKey(
        String workspace,
        String dimension,
        Map<String, String> group,
        Instant windowStart,
        Instant windowEnd,
        long windowSizeSeconds,
        long windowAdvanceSeconds) {

    public static final String FLOW = "flow";
    public static final String DEPLOYMENT = "deployment";
    public static final String WORK_POOL = "work_pool";
    public static final String TAG = "tag";

    public WindowKey {
        workspace = workspace == null ? "" : workspace;
        group = group == null ? Map.of() : Map.copyOf(group);
    }
}
