package dev.flowpulse.contract;

/**
 * The label set shared by every per-run Prometheus series: the workspace (the ingest source's
 * {@code flowpulse.workspace} label) and the flow, deployment and work pool <em>names</em> (empty
 * where Prefect has none). Two workspaces with a flow of the same name are two series. Used as a
 * Kafka key, so it serializes with sorted fields to stable bytes.
 */
public record SeriesLabels(String workspace, String flow, String deployment, String workPool) {

    public SeriesLabels {
        workspace = workspace == null ? "" : workspace;
        flow = flow == null ? "" : flow;
        deployment = deployment == null ? "" : deployment;
        workPool = workPool == null ? "" : workPool;
    }

    public static SeriesLabels of(FlowRunEvent e) {
        return new SeriesLabels(
                e.workspace(),
                e.flow().name(),
                e.deployment().name(),
                e.workPool().name());
    }
}
