package dev.flowpulse.contract;

/**
 * The label set shared by every per-run Prometheus series: flow, deployment and work pool
 * <em>names</em> (empty where Prefect has none). Used as a Kafka key, so it serializes with sorted
 * fields to stable bytes.
 */
public record SeriesLabels(String flow, String deployment, String workPool) {

    public SeriesLabels {
        flow = flow == null ? "" : flow;
        deployment = deployment == null ? "" : deployment;
        workPool = workPool == null ? "" : workPool;
    }

    public static SeriesLabels of(FlowRunEvent e) {
        return new SeriesLabels(
                e.flow().name(), e.deployment().name(), e.workPool().name());
    }
}
