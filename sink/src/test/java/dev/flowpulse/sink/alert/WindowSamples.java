package dev.flowpulse.sink.alert;

import dev.flowpulse.contract.InProgressRun;
import dev.flowpulse.contract.ResourceRef;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The window-topic and in-progress records the sink's tests feed a {@link WindowTable}, shaped as
 * the topology writes them for the Prefect samples' run ({@code etl-orders} / {@code hourly-sync}
 * / {@code k8s-prod}, tagged {@code team:data}, workspace {@code prod}).
 */
public final class WindowSamples {

    public static final String WORKSPACE = "prod";
    public static final String FLOW = "etl-orders";
    public static final String DEPLOYMENT = "hourly-sync";
    public static final String WORK_POOL = "k8s-prod";
    public static final List<Duration> SIZES =
            List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));

    private WindowSamples() {}

    /** The topology's deployment group: flow, deployment and work pool. */
    public static Map<String, String> deploymentGroup(String deployment, String workPool) {
        return Map.of("flow", FLOW, "deployment", deployment, "work_pool", workPool);
    }

    /** A tumbling window of {@code size} starting at {@code start}. */
    public static WindowKey window(String dimension, Map<String, String> group, Instant start, Duration size) {
        return new WindowKey(WORKSPACE, dimension, group, start, start.plus(size), size.toSeconds(), size.toSeconds());
    }

    /** A tumbling window of the samples' deployment. */
    public static WindowKey deploymentWindow(Instant start, Duration size) {
        return window(WindowKey.DEPLOYMENT, deploymentGroup(DEPLOYMENT, WORK_POOL), start, size);
    }

    /** {@code finished} finishes of 10 s each, the first {@code failed} of them FAILED, the rest COMPLETED. */
    public static WindowStats finishes(int finished, int failed) {
        WindowStats s = WindowStats.empty();
        for (int i = 0; i < finished; i++) {
            s = s.plusFinish(i < failed ? StateType.FAILED : StateType.COMPLETED, 10.0);
        }
        return s;
    }

    /** A run of {@code flow} of the samples' deployment, in {@code type} since {@code since}. */
    public static InProgressRun run(String id, String flow, StateType type, boolean stuck, Instant since) {
        return new InProgressRun(
                WORKSPACE,
                id,
                id + "-name",
                new ResourceRef("f", flow),
                new ResourceRef("d", DEPLOYMENT),
                new ResourceRef("p", WORK_POOL),
                List.of("team:data"),
                type,
                type == StateType.RUNNING ? "Running" : "Pending",
                since,
                type == StateType.RUNNING ? since : null,
                1,
                stuck,
                3600);
    }
}
