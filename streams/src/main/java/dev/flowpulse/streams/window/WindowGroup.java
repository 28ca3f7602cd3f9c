package dev.flowpulse.streams.window;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.ResourceRef;
import dev.flowpulse.contract.WindowKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A group the window statistics are kept for: a workspace, a dimension and its labels
 * ({@code flow} → {@code {flow}}, {@code deployment} → {@code {flow, deployment, work_pool}} (the pool's name, {@code ""} without one),
 * {@code work_pool} → {@code {work_pool}}, {@code tag} → {@code {tag}}). Key of the
 * {@code window-contributions-by-group} repartition: the JSON serde sorts fields and map entries,
 * so equal groups serialize to equal bytes.
 */
public record WindowGroup(String workspace, String dimension, Map<String, String> group) {

    public WindowGroup {
        workspace = workspace == null ? "" : workspace;
        group = group == null ? Map.of() : Map.copyOf(group);
    }

    /** The groups of a state change. */
    public static List<WindowGroup> of(FlowRunEvent event, List<String> tagPrefixes) {
        return of(event.workspace(), event.flow(), event.deployment(), event.workPool(), event.tags(), tagPrefixes);
    }

    /** The groups of a finish. */
    public static List<WindowGroup> of(FinishedFlowRun finish, List<String> tagPrefixes) {
        return of(
                finish.workspace(), finish.flow(), finish.deployment(), finish.workPool(), finish.tags(), tagPrefixes);
    }

    /**
     * Every run is in its flow's group; runs with a deployment also in its deployment's, runs with a
     * work pool in its pool's, and in one tag group per tag that starts with a configured prefix
     * ({@code *} alone: every tag).
     */
    static List<WindowGroup> of(
            String workspace,
            ResourceRef flow,
            ResourceRef deployment,
            ResourceRef workPool,
            List<String> tags,
            List<String> tagPrefixes) {
        List<WindowGroup> groups = new ArrayList<>();
        groups.add(new WindowGroup(workspace, WindowKey.FLOW, Map.of(WindowKey.FLOW, flow.name())));
        if (deployment.isPresent()) {
            groups.add(new WindowGroup(
                    workspace,
                    WindowKey.DEPLOYMENT,
                    Map.of(
                            WindowKey.FLOW,
                            flow.name(),
                            WindowKey.DEPLOYMENT,
                            deployment.name(),
                            WindowKey.WORK_POOL,
                            workPool.name())));
        }
        if (workPool.isPresent()) {
            groups.add(new WindowGroup(workspace, WindowKey.WORK_POOL, Map.of(WindowKey.WORK_POOL, workPool.name())));
        }
        for (String tag : tags) {
            if (selected(tag, tagPrefixes)) {
                groups.add(new WindowGroup(workspace, WindowKey.TAG, Map.of(WindowKey.TAG, tag)));
            }
        }
        return groups;
    }

    static boolean selected(String tag, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (prefix.equals("*") || tag.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public WindowKey windowKey(Instant start, Instant end, long sizeSeconds, long advanceSeconds) {
        return new WindowKey(workspace, dimension, group, start, end, sizeSeconds, advanceSeconds);
    }
}
